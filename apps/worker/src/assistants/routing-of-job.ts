import { readCallsJob } from "@callbot/shared";

/** What routing needs to know of a job: its chat, and whether only the chat's owner may run it. */
export interface JobRouting {
  chatId: number;
  /** A livestream, or its key: only the account that owns the chat may (Telegram's rule). */
  ownerOnly: boolean;
}

const OWNER_ACTIONS = new Set(["rtmp-credentials", "rotate-rtmp-key"]);

/**
 * The routing of a calls-queue job, or undefined for jobs that stay with whichever worker takes
 * them: a recurring rule's firing (it only adds create-call jobs, which are routed), the
 * assistant joining a chat from /setup, a recording's forward, and anything that does not parse
 * (it fails as always).
 *
 * An end-when-empty watch is routed like the chat's other work (to its sticky account, the one
 * that made or manages its call, else any eligible one): its ticks wait as delayed jobs in that
 * account's queue, so one account watches the call, every tick, with the pushed participant
 * counts it keeps in memory. Left in the shared queue, any worker took the next tick, and an
 * account that is not in the chat saw GROUPCALL_FORBIDDEN ("the call is over") and dropped the
 * watch, or was refused the end.
 */
export function routingOfJob(job: { name: string; data: unknown }): JobRouting | undefined {
  const { job: parsed } = readCallsJob(job);
  if (parsed?.name === "create-call")
    return { chatId: parsed.data.target.chatId, ownerOnly: parsed.data.rtmp };
  if (parsed?.name === "empty-watch") return { chatId: parsed.data.target.chatId, ownerOnly: false };
  // A recording's forward must run on an account whose Saved Messages may hold the file (the
  // stopper's, or the starter's: recordingLookers); it is added to that account's own queue,
  // never routed by its destination chat.
  if (parsed?.name === "call-action" && parsed.data.action === "forward-recording") return undefined;
  if (parsed?.name === "call-action") {
    return { chatId: parsed.data.target.chatId, ownerOnly: OWNER_ACTIONS.has(parsed.data.action) };
  }
  return undefined;
}
