import { nextOccurrence, type RecurringRule } from "@callbot/shared";
import { describeCall } from "../messages/describe-call.ts";
import { formatDistance, formatScheduleTime } from "../messages/format-time.ts";

const DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** "every Monday and Thursday at 09:30 (Europe/Berlin)": the rule in words, always with its zone. */
export function describeRecurrence(
  rule: Pick<RecurringRule, "weekdays" | "hour" | "minute" | "timeZone">,
): string {
  const days = [...rule.weekdays].sort((a, b) => a - b);
  const key = days.join(",");
  let when: string;
  if (key === "1,2,3,4,5,6,7") when = "every day";
  else if (key === "1,2,3,4,5") when = "every weekday (Monday to Friday)";
  else if (key === "6,7") when = "every Saturday and Sunday";
  else {
    const names = days.map((d) => DAY_NAMES[d - 1] ?? String(d));
    when = `every ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`}`;
  }
  const clock = `${String(rule.hour).padStart(2, "0")}:${String(rule.minute).padStart(2, "0")}`;
  return `${when} at ${clock} (${rule.timeZone})`;
}

/** The answer to an accepted recurring /newcall (plain text). */
export function renderRecurringSaved(rule: RecurringRule, nowMs: number, botUsername: string): string {
  const next = nextOccurrence(rule, nowMs);
  const lines = [
    `🔁 Recurring ${describeCall({ title: rule.title, rtmp: rule.rtmp })} in «${rule.target.title}», ${describeRecurrence(rule)}.`,
    `Next: ${formatScheduleTime(next, rule.timeZone)}, ${formatDistance(next, nowMs)}.`,
    `Each call is created in Telegram ${rule.leadHours} h ahead${rule.autostart ? " and starts automatically at its time" : ""}.`,
    `To stop it: /stoprecurring (in the chat), or /stoprecurring ${rule.ruleId} in a private chat with @${botUsername}.`,
  ];
  return lines.join("\n");
}
