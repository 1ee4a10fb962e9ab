import { joinLink } from "../announcements/render-announcement.ts";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import { describeCall } from "../messages/describe-call.ts";
import { formatScheduleTime } from "../messages/format-time.ts";

export type ReminderKind = "before" | "live";

/** The private message a subscriber gets N minutes before a call, or as it starts. */
export function renderReminder(
  entry: CallEntry,
  kind: ReminderKind,
  facts: { timeZone: string; remindMinutes: number },
): string {
  const link = joinLink(entry);
  const join = link === undefined ? `Join from «${entry.chatTitle}»'s header.` : `Join: ${link}`;
  const call = describeCall({ title: entry.title, rtmp: entry.rtmp });
  if (kind === "live") return `🔴 The ${call} is live now in «${entry.chatTitle}».\n${join}`;
  const when =
    entry.scheduleDate === undefined ? "" : `, at ${formatScheduleTime(entry.scheduleDate, facts.timeZone)}`;
  return `⏰ The ${call} in «${entry.chatTitle}» starts in ${facts.remindMinutes} min${when}.\n${join}`;
}
