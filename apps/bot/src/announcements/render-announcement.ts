import type { InlineKeyboardMarkup } from "grammy/types";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import { formatScheduleTime } from "../messages/format-time.ts";

/** The callback data of an announcement's 🔔 Remind me button: `rm:<registry id>`. */
export const REMIND_PRESS = /^rm:([0-9a-z]{1,12})$/;
export const remindPressData = (entryId: string) => `rm:${entryId}`;

/**
 * Where members join: a public chat's call link (t.me/<username>?videochat, or ?livestream for a
 * livestream; the form Telegram's apps open, ct:api/links#video-chat-livestream-links). A private
 * chat has no link anyone but its members could use, and they see the call in the chat's header.
 */
export function joinLink(entry: Pick<CallEntry, "chatUsername" | "rtmp">): string | undefined {
  if (entry.chatUsername === undefined) return undefined;
  return `https://t.me/${entry.chatUsername}?${entry.rtmp ? "livestream" : "videochat"}`;
}

function callName(entry: CallEntry): string {
  const kind = entry.rtmp ? "Livestream" : "Video chat";
  return entry.title === undefined ? kind : `${kind} “${entry.title}”`;
}

/**
 * The announcement of a call as it stands: scheduled (its time in the chat's zone, the join
 * link, what the button does), live, or over; only a scheduled call has the 🔔 button. Undefined for states that have none (queued,
 * failed): the announcement keeps its last text.
 */
export function renderAnnouncement(
  entry: CallEntry,
  facts: { timeZone: string; remindMinutes: number },
): { text: string; keyboard?: InlineKeyboardMarkup } | undefined {
  const link = joinLink(entry);
  const join = link === undefined ? "Join from the chat's header when it starts." : `Join: ${link}`;
  const button = {
    inline_keyboard: [[{ text: "🔔 Remind me", callback_data: remindPressData(entry.id) }]],
  };
  switch (entry.state) {
    case "scheduled":
      if (entry.scheduleDate === undefined) return undefined;
      return {
        text: [
          `📅 ${callName(entry)} in «${entry.chatTitle}»`,
          `🕒 ${formatScheduleTime(entry.scheduleDate, facts.timeZone)}`,
          join,
          `Press 🔔 Remind me and I will message you ${facts.remindMinutes} min before and when it starts.`,
        ].join("\n"),
        keyboard: button,
      };
    case "live":
      // No button: the "live now" reminders went out as it started.
      return { text: [`🔴 ${callName(entry)} is live now in «${entry.chatTitle}».`, join].join("\n") };
    case "ended":
      return { text: `✅ ${callName(entry)} in «${entry.chatTitle}» has ended.` };
    default:
      return undefined;
  }
}
