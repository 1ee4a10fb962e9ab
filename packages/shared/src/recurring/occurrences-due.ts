import { MAX_SCHEDULE_AHEAD_SECONDS, MIN_SCHEDULE_AHEAD_SECONDS } from "../contract/call-request.ts";
import type { RecurringRule } from "../contract/recurring-rule.ts";
import { nextOccurrence } from "./next-occurrence.ts";

/**
 * How far beyond `leadHours` an occurrence still counts as due. The scheduler fires at a local
 * wall-clock time (see schedulerPatternFor), so on the days the clocks change the real lead is
 * one hour longer or shorter; the hour of slack makes sure such an occurrence is not missed.
 */
export const RECURRING_LEAD_SLACK_SECONDS = 60 * 60;

/**
 * An occurrence closer than this is skipped: Telegram refuses a schedule date under 10 s ahead,
 * and the create-call job still has to pass through the queue (a few seconds of margin).
 */
export const RECURRING_MIN_AHEAD_SECONDS = MIN_SCHEDULE_AHEAD_SECONDS + 5;

/**
 * Unix seconds of every occurrence whose Telegram call should exist by now: more than
 * RECURRING_MIN_AHEAD_SECONDS ahead, and at most `leadHours` (plus the slack) ahead, never
 * beyond Telegram's 8-day window. Oldest first. Usually one, or none; more only when
 * occurrences are closer together than leadHours. Telegram allows one call per chat and does
 * not refuse a second: creating it ends the first for everyone (core.telegram.org/api/group-calls).
 * So every due occurrence's create-call job first reads the chat's call and, while there is
 * another one (the earlier occurrence's, or today's meeting when the lead is 24 h), waits for it
 * to end and re-checks; one that can no longer be created in time is skipped and its maker told.
 */
export function occurrencesDue(
  rule: Pick<RecurringRule, "weekdays" | "hour" | "minute" | "timeZone" | "leadHours">,
  nowMs: number,
): number[] {
  const nowSeconds = Math.floor(nowMs / 1000);
  const horizon =
    nowSeconds +
    Math.min(rule.leadHours * 3600 + RECURRING_LEAD_SLACK_SECONDS, MAX_SCHEDULE_AHEAD_SECONDS - 60);
  const due: number[] = [];
  let after = (nowSeconds + RECURRING_MIN_AHEAD_SECONDS) * 1000;
  for (;;) {
    const occurrence = nextOccurrence(rule, after);
    if (occurrence > horizon) return due;
    due.push(occurrence);
    after = occurrence * 1000;
  }
}
