import type { RecurringRule } from "@callbot/shared";
import { DateTime } from "luxon";

/*
 * The bot's own reading of a RecurringRule's times. The worker's helper (packages/shared
 * src/recurring/, nextOccurrence and schedulerPatternFor) had not landed when this was written;
 * these follow the same contract so either can replace the other.
 */

type RuleTimes = Pick<RecurringRule, "weekdays" | "hour" | "minute" | "timeZone">;

/**
 * The first occurrence strictly after `afterMs` (unix ms), at the rule's wall-clock time in its
 * zone. Wall-clock, not a fixed UTC offset: `every sunday 18:00` in Europe/Berlin is 16:00 UTC in
 * summer and 17:00 UTC in winter. A time skipped by a spring-forward change (02:30) happens at the
 * first valid time after it (03:30), the way luxon and cron move it; an ambiguous one (fall back)
 * takes the earlier instant.
 */
export function nextOccurrence(rule: RuleTimes, afterMs: number): number {
  const start = DateTime.fromMillis(afterMs, { zone: rule.timeZone }).startOf("day");
  // Eight days cover a weekly rule whose only day is today but whose time has passed.
  for (let offset = 0; offset <= 8; offset++) {
    const day = start.plus({ days: offset });
    if (!rule.weekdays.includes(day.weekday)) continue;
    const at = day.set({ hour: rule.hour, minute: rule.minute, second: 0, millisecond: 0 });
    if (at.toMillis() > afterMs) return at.toMillis();
  }
  throw new RangeError(`rule has no weekday in 1..7: ${JSON.stringify(rule.weekdays)}`);
}

/**
 * The cron pattern (5 fields, read in rule.timeZone by the job scheduler's `tz`) that fires
 * `leadHours` before each occurrence, so the worker creates each Telegram call ahead of time,
 * inside Telegram's 8-day window. The shift is done on the wall clock: every fire time is the
 * occurrence's local weekday and time minus the lead, so DST does not move it either.
 */
export function schedulerPatternFor(rule: RuleTimes & Pick<RecurringRule, "leadHours">): string {
  const minutesPerWeek = 7 * 24 * 60;
  const leadMinutes = rule.leadHours * 60;
  const fireTimes = rule.weekdays.map((weekday) => {
    const minuteOfWeek = (weekday - 1) * 24 * 60 + rule.hour * 60 + rule.minute;
    return (((minuteOfWeek - leadMinutes) % minutesPerWeek) + minutesPerWeek) % minutesPerWeek;
  });
  // Every weekday shares the rule's time, so every fire time shares one hour and minute.
  const first = fireTimes[0] ?? 0;
  const hour = Math.floor((first % (24 * 60)) / 60);
  const minute = first % 60;
  // cron counts weekdays 0 = Sunday ... 6 = Saturday; ISO 1 = Monday ... 7 = Sunday.
  const cronDays = [...new Set(fireTimes.map((t) => (Math.floor(t / (24 * 60)) + 1) % 7))].sort(
    (a, b) => a - b,
  );
  return `${minute} ${hour} * * ${cronDays.join(",")}`;
}
