import { Api, type TelegramClient } from "telegram";
import { Raw } from "telegram/events/Raw.js";
import { skipUnusedPushedUpdates } from "../telegram/skip-unused-updates.ts";

/** What the assistant last heard of a call's participants. */
export interface ParticipantCount {
  count: number;
  /** Unix ms it was heard. */
  atMs: number;
  /** Unix ms since when the call has been empty, while it is. */
  emptySinceMs?: number;
  /** Telegram said the call is over (groupCallDiscarded). */
  discarded: boolean;
  /** Telegram has pushed this call's changes to the assistant: news would come without asking. */
  pushSeen: boolean;
}

/**
 * participants_count of calls as Telegram pushes it to the assistant (updateGroupCall), in
 * memory: what the end-when-empty watch reads before it spends a phone.getGroupCall. Bounded: an
 * entry is dropped with its watch (forget) or when the call ends, and only calls pushed to the
 * assistant are kept (the chats it administers).
 */
export class ParticipantCounts {
  private readonly calls = new Map<string, ParticipantCount>();
  private readonly watched = new Set<string>();

  constructor(private readonly now: () => number) {}

  /** Pushes of this call are kept from now on (an end-when-empty watch runs for it). */
  watch(callId: string): void {
    this.watched.add(callId);
  }

  isWatched(callId: string): boolean {
    return this.watched.has(callId);
  }

  get(callId: string): ParticipantCount | undefined {
    return this.calls.get(callId);
  }

  /** A count pushed or read for a call (a poll records here too, so both sources agree). */
  heard(
    callId: string,
    count: number,
    how: { source: "push" | "poll"; discarded?: boolean },
  ): ParticipantCount {
    const atMs = this.now();
    const before = this.calls.get(callId);
    const emptySinceMs = count === 0 ? (before?.count === 0 ? before.emptySinceMs : atMs) : undefined;
    const next: ParticipantCount = {
      count,
      atMs,
      discarded: how.discarded === true,
      pushSeen: before?.pushSeen === true || how.source === "push",
      ...(emptySinceMs !== undefined && { emptySinceMs }),
    };
    this.calls.set(callId, next);
    return next;
  }

  /** The watch ended: nothing more is kept of the call. */
  forget(callId: string): void {
    this.calls.delete(callId);
    this.watched.delete(callId);
  }

  get size(): number {
    return this.calls.size;
  }
}

/**
 * The worker's one use of pushed updates, named so that it is not optimised away: the
 * end-when-empty watch needs updateGroupCall's participants_count (and groupCallDiscarded),
 * which Telegram pushes to the chat's members when people join or leave (where it does; the
 * sandbox's participantCountUpdates setting). Without it the watch falls back to
 * phone.getGroupCall once a minute per watched call. Only updates of watched calls are kept.
 * Every other pushed update is dropped before gramjs decodes it (skipUnusedPushedUpdates).
 *
 * @returns a function that removes the handler.
 */
export function followParticipantCounts(client: TelegramClient, counts: ParticipantCounts): () => void {
  // The only pushed updates the worker uses: gramjs need not decode the others.
  skipUnusedPushedUpdates();
  const event = new Raw({ types: [Api.UpdateGroupCall] });
  const handler = (update: Api.TypeUpdate) => {
    if (!(update instanceof Api.UpdateGroupCall)) return;
    const callId = update.call.id.toString();
    if (!counts.isWatched(callId)) return;
    if (update.call instanceof Api.GroupCallDiscarded)
      counts.heard(callId, 0, { source: "push", discarded: true });
    else counts.heard(callId, update.call.participantsCount, { source: "push" });
  };
  client.addEventHandler(handler, event);
  return () => client.removeEventHandler(handler, event);
}
