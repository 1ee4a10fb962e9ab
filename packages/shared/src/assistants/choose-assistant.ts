import { type AssistantRights, rightsAllow } from "./assistant-rights.ts";

/** One account as routing sees it: registered online, with what it may do in the chat and its work. */
export interface AssistantCandidate {
  accountId: number;
  /** What it may do in the chat; undefined when not known. */
  rights: AssistantRights | undefined;
  /** Its jobs waiting and running: the "least work" of the routing. */
  load: number;
  /** Unix ms until which Telegram told it to wait, or undefined. */
  floodWaitUntil?: number | undefined;
}

/**
 * Which online account takes a chat's request, or undefined when none may.
 *
 * Only accounts whose rights allow the request are eligible (a livestream needs the chat's
 * owner). Among them, one not waiting out a flood is preferred; then the chat's sticky account
 * (the one that served it last), so that one chat's calls are managed by one account where
 * possible; otherwise the one with the least work (ties: the lowest id, so the choice is
 * stable). When every eligible account waits out a flood, the sticky one, else the one whose
 * wait ends first: its work waits there, and no other account is held.
 */
export function chooseAssistant(
  candidates: readonly AssistantCandidate[],
  request: { rtmp: boolean; sticky?: number | undefined; now: number },
): AssistantCandidate | undefined {
  const eligible = candidates.filter((c) => rightsAllow(c.rights, request.rtmp));
  if (eligible.length === 0) return undefined;
  const free = eligible.filter((c) => (c.floodWaitUntil ?? 0) <= request.now);
  const sticky = (among: readonly AssistantCandidate[]) => among.find((c) => c.accountId === request.sticky);
  if (free.length > 0) {
    return sticky(free) ?? [...free].sort((a, b) => a.load - b.load || a.accountId - b.accountId)[0];
  }
  return (
    sticky(eligible) ??
    [...eligible].sort(
      (a, b) => (a.floodWaitUntil ?? 0) - (b.floodWaitUntil ?? 0) || a.accountId - b.accountId,
    )[0]
  );
}
