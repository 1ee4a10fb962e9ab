import type { RecurringRule } from "../contract/recurring-rule.ts";

const MINUTES_PER_DAY = 24 * 60;

/** What `queue.upsertJobScheduler(ruleId, <this>, ...)` takes: a cron pattern and its zone. */
export interface SchedulerPattern {
  pattern: string;
  tz: string;
}

/**
 * The job scheduler's cron for a rule: it fires `leadHours` before each occurrence, on the
 * occurrence's weekdays shifted back by whole days, at the local wall-clock time
 * (hour:minute - leadHours), in the rule's zone.
 *
 * Why a local-time cron and not an hourly tick: one fire per occurrence, and no work at all in
 * between. The cost is that on the day the clocks change the real lead is an hour off (the
 * processor's window has an hour of slack for that, RECURRING_LEAD_SLACK_SECONDS), and a fire
 * time that does not exist that night (02:30 when clocks jump from 02:00 to 03:00) fires at the
 * next valid time (cron-parser, which BullMQ uses, moves it forward; it does not skip it).
 *
 * The processor never trusts the fire time: it creates whatever occurrencesDue() finds at the
 * moment it runs, so a late fire (the worker was down) still creates the call if it is still
 * ahead, and a repeated fire creates nothing new.
 *
 * @example schedulerPatternFor({ weekdays: [1], hour: 18, minute: 0, leadHours: 24, timeZone: "Europe/Berlin" })
 * // { pattern: "0 18 * * 0", tz: "Europe/Berlin" }: Sundays 18:00 for Mondays 18:00
 */
export function schedulerPatternFor(
  rule: Pick<RecurringRule, "weekdays" | "hour" | "minute" | "timeZone" | "leadHours">,
): SchedulerPattern {
  const offset = rule.hour * 60 + rule.minute - rule.leadHours * 60;
  const dayShift = Math.floor(offset / MINUTES_PER_DAY);
  const fireMinuteOfDay = offset - dayShift * MINUTES_PER_DAY;
  const hour = Math.floor(fireMinuteOfDay / 60);
  const minute = fireMinuteOfDay % 60;
  // ISO weekdays are 1 (Monday) .. 7 (Sunday); cron's are 0 (Sunday) .. 6 (Saturday).
  const cronDays = [...new Set(rule.weekdays.map((iso) => mod(iso + dayShift, 7)))].sort((a, b) => a - b);
  return { pattern: `${minute} ${hour} * * ${cronDays.join(",")}`, tz: rule.timeZone };
}

function mod(value: number, by: number): number {
  return ((value % by) + by) % by;
}
