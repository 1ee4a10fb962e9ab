import type { CallRef } from "@callbot/shared";

/** Where a call stands, as the bot last learnt it (from the worker's results or Telegram's service messages). */
export type CallState = "queued" | "scheduled" | "live" | "ended" | "failed";

/**
 * One call (or pending request) in the bot's registry. `id` is a short registry id (base 36),
 * so that inline buttons fit Telegram's 64-byte callback_data.
 */
export interface CallEntry {
  id: string;
  chatId: number;
  chatTitle: string;
  chatUsername?: string;
  /** Absent while queued, and for a call created by hand in Telegram (service messages carry no id). */
  call?: CallRef;
  title?: string;
  state: CallState;
  /** Unix seconds, while scheduled. */
  scheduleDate?: number;
  rtmp: boolean;
  autostart: boolean;
  /** The create-call request (also its job id); absent for calls created by hand. */
  requestId?: string;
  /** Who asked; absent for calls created by hand. */
  requesterId?: number;
  /** The requester's zone when they asked. */
  timeZone?: string;
  /** The request's "queued" message, edited when the request is cancelled. */
  ack?: { chatId: number; messageId: number };
  /** Catalogue name of the failure, when failed. */
  errorName?: string;
  /** Unix seconds. */
  startedAt?: number;
  endedAt?: number;
  /**
   * Unix seconds this call replaced the chat's earlier call: that call's video_chat_ended
   * (Bot API service messages carry no call id) may still arrive and must not end this entry.
   */
  staleEndExpectedAt?: number;
  /** Telegram records the live call, as the last in-call control's answer said. */
  recording?: boolean;
  /** People who join are muted, as the last in-call control's answer said. */
  joinMuted?: boolean;
  /** Unix milliseconds of the last change. */
  updatedAt: number;
}

/** Scheduled and live calls are the chat's current call: Telegram allows one at a time per chat. */
export function isCurrent(entry: CallEntry): boolean {
  return entry.state === "scheduled" || entry.state === "live";
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * How long an entry is kept after its last change. Ended and failed calls are shown for a day;
 * a scheduled call until a day after its time (at most 8 days ahead, Telegram's window); a live
 * call for two days after the last news of it (a call that runs longer is refreshed by any
 * service message or action, and nothing is lost but a line in /calls).
 */
export function entryTtlSeconds(entry: CallEntry, nowMs: number): number {
  switch (entry.state) {
    case "queued":
      return DAY;
    case "scheduled": {
      const until = (entry.scheduleDate ?? Math.floor(nowMs / 1000)) - Math.floor(nowMs / 1000);
      return Math.max(DAY, until + DAY);
    }
    case "live":
      return 2 * DAY;
    case "ended":
    case "failed":
      return DAY;
  }
}
