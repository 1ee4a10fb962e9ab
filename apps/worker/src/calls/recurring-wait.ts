import { type CreateCallRequest, RECURRING_MIN_AHEAD_SECONDS } from "@callbot/shared";

/**
 * How often an occurrence waiting for the chat's other call to end checks again: each check costs
 * two or three Telegram requests, and an occurrence is created up to a day ahead, so a few
 * minutes' delay after the meeting ends costs nobody anything.
 */
export const DEFAULT_RECURRING_RECHECK_MS = 5 * 60_000;

/**
 * Recurring rules never replace a call (Telegram allows one per chat, and a create ends the
 * chat's call for everyone). An occurrence whose chat still has another call waits and checks
 * again; this is how long to wait, or undefined when it is too late: the occurrence must still be
 * RECURRING_MIN_AHEAD_SECONDS ahead when it is created (Telegram wants 10 s), so it is skipped.
 */
export function recurringRecheckDelayMs(
  request: CreateCallRequest,
  nowMs: number,
  recheckMs: number,
): number | undefined {
  if (request.recurrence === undefined || request.scheduleDate === undefined) return undefined;
  const lastChanceMs = (request.scheduleDate - RECURRING_MIN_AHEAD_SECONDS) * 1000;
  if (nowMs >= lastChanceMs) return undefined;
  return Math.max(1, Math.min(recheckMs, lastChanceMs - nowMs));
}
