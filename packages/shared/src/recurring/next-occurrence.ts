import { DateTime } from "luxon";
import type { RecurringRule } from "../contract/recurring-rule.ts";

/** The parts of a rule that say when it occurs. */
export type RecurringTime = Pick<RecurringRule, "weekdays" | "hour" | "minute" | "timeZone">;

/**
 * Unix seconds of the rule's next occurrence strictly after `afterMs` (unix milliseconds).
 *
 * Occurrences are wall-clock times in the rule's zone, computed day by day in that zone, so a
 * daylight-saving change does not move them: "every monday 18:00" in Europe/Berlin is 17:00 UTC
 * in winter and 16:00 UTC in summer. A time that does not exist on the day the clocks go forward
 * (02:30 in Berlin on the last Sunday of March) moves forward by the gap (03:30), and a time that
 * exists twice on the day they go back is taken at its first instance (luxon's choice, which is
 * what calendar apps do too).
 *
 * @throws RangeError for a zone luxon does not know (the rule is then unusable, not retryable).
 * @example nextOccurrence({ weekdays: [1], hour: 18, minute: 0, timeZone: "Europe/Berlin" }, Date.now())
 */
export function nextOccurrence(rule: RecurringTime, afterMs: number): number {
  const zone = rule.timeZone;
  const start = DateTime.fromMillis(afterMs, { zone });
  if (!start.isValid) throw new RangeError(`unknown time zone: ${zone}`);
  const weekdays = new Set(rule.weekdays);
  // Today and the next 7 days cover every weekday, including today's weekday a week on.
  for (let days = 0; days <= 7; days += 1) {
    const day = start.plus({ days });
    if (!weekdays.has(day.weekday)) continue;
    const candidate = DateTime.fromObject(
      { year: day.year, month: day.month, day: day.day, hour: rule.hour, minute: rule.minute },
      { zone },
    );
    const ms = candidate.toMillis();
    if (ms > afterMs) return Math.floor(ms / 1000);
  }
  throw new RangeError(`no occurrence within a week: weekdays ${[...weekdays].join(",")}`);
}
