import { InlineKeyboard } from "grammy";
import type { PlannedCall } from "../calendar/planned-call.ts";
import { renderPlannedSection } from "../calendar/render-planned-section.ts";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import { describeCall } from "../messages/describe-call.ts";
import { formatDistance, formatScheduleTime } from "../messages/format-time.ts";
import { inCallButtonRows } from "./in-call-presses.ts";
import { encodePress, type PressCode } from "./press-data.ts";

/** Entries shown in one message: enough for any real chat, and the keyboard stays usable. */
export const MAX_LISTED = 10;

export interface ListedEntry {
  entry: CallEntry;
  /** For queued entries: the worker has started on it (no Cancel). */
  running?: boolean;
}

export interface RenderListContext {
  /** The viewer's zone; every time names it. */
  timeZone: string;
  /** Unix milliseconds. */
  now: number;
  /** In the private chat: entries name their chat, and livestreams get an RTMP key button. */
  isPrivate: boolean;
  /** The chat's title, for a group's list. */
  chatTitle?: string;
  /** A line on top: the outcome of the last button press. */
  headline?: string;
  /** The bot's calendar's planned calls, listed after the calls. */
  planned?: readonly PlannedCall[];
}

/** The /calls message: plain text (titles are user input) and one row of buttons per entry. */
export function renderCallsList(
  listed: readonly ListedEntry[],
  ctx: RenderListContext,
): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  const head = ctx.isPrivate
    ? "📋 Calls in the chats you manage"
    : `📋 Calls in «${ctx.chatTitle ?? "this chat"}»`;
  const lines: string[] = [];
  if (ctx.headline) lines.push(ctx.headline, "");
  const planned = ctx.planned ?? [];
  if (listed.length === 0 && planned.length === 0) {
    lines.push(
      ctx.isPrivate
        ? "No calls or pending requests in the chats you manage. Create one with /newcall."
        : `${head}: none right now. Create one with /newcall.`,
    );
    return { text: lines.join("\n"), keyboard };
  }
  lines.push(
    listed.length === 0 ? `${head}: no calls in Telegram right now.` : `${head} (times in ${ctx.timeZone}):`,
  );
  sortForListing(listed)
    .slice(0, MAX_LISTED)
    .forEach((item, index) => {
      const n = index + 1;
      const { entry } = item;
      const where = ctx.isPrivate ? ` in «${entry.chatTitle}»` : "";
      lines.push("", `${n}. ${capitalise(describeCall({ title: entry.title, rtmp: entry.rtmp }))}${where}`);
      lines.push(`   ${describeState(item, ctx)}`);
      const buttons = buttonsFor(item, ctx.isPrivate);
      if (buttons.length > 0) {
        for (const button of buttons)
          keyboard.text(`${n}. ${button.label}`, encodePress(button.code, entry.id));
        keyboard.row();
      }
      if (entry.state === "live" && entry.call !== undefined) {
        for (const row of inCallButtonRows(entry)) {
          for (const button of row)
            keyboard.text(`${n}. ${button.label}`, encodePress(button.code, entry.id));
          keyboard.row();
        }
      }
    });
  if (planned.length > 0) lines.push(...renderPlannedSection(planned, ctx, keyboard));
  return { text: lines.join("\n"), keyboard };
}

function describeState(item: ListedEntry, ctx: RenderListContext): string {
  const { entry } = item;
  const at = (seconds: number) => formatScheduleTime(seconds, ctx.timeZone);
  const handMade = entry.requestId === undefined ? " (set up in Telegram directly; manage it there)" : "";
  switch (entry.state) {
    case "queued": {
      const when =
        entry.scheduleDate === undefined ? "to start now" : `to be scheduled for ${at(entry.scheduleDate)}`;
      return item.running ? `⏳ being created now, ${when}` : `⏳ queued, ${when}`;
    }
    case "scheduled": {
      const when =
        entry.scheduleDate === undefined
          ? "🗓 scheduled"
          : `🗓 scheduled for ${at(entry.scheduleDate)}, ${formatDistance(entry.scheduleDate, ctx.now)}`;
      return `${when}${entry.autostart ? " · starts automatically" : ""}${handMade}`;
    }
    case "live":
      return `🔴 live${entry.startedAt === undefined ? "" : ` since ${at(entry.startedAt)}`}${handMade}`;
    case "ended":
      return `⏹ ended${entry.endedAt === undefined ? "" : ` ${at(entry.endedAt)}`}`;
    case "failed":
      return "❌ could not be created (the reply to the request says why)";
  }
}

function buttonsFor(item: ListedEntry, isPrivate: boolean): Array<{ label: string; code: PressCode }> {
  const { entry } = item;
  if (entry.state === "queued") return item.running ? [] : [{ label: "✖️ Cancel", code: "cancel" }];
  if (entry.call === undefined || (entry.state !== "scheduled" && entry.state !== "live")) return [];
  const buttons: Array<{ label: string; code: PressCode }> =
    entry.state === "scheduled"
      ? [
          { label: "▶️ Start now", code: "start" },
          { label: "✖️ Cancel", code: "cancel" },
        ]
      : [{ label: "⏹ End", code: "end" }];
  if (entry.chatUsername !== undefined) buttons.push({ label: "🔗 Invite link", code: "invite" });
  // The key lets anyone stream into the chat: it is offered only where nobody else can read it.
  if (isPrivate && entry.rtmp) buttons.push({ label: "🔑 RTMP key", code: "rtmp-key" });
  return buttons;
}

const ORDER: Record<CallEntry["state"], number> = { live: 0, scheduled: 1, queued: 2, failed: 3, ended: 4 };

function sortForListing(listed: readonly ListedEntry[]): ListedEntry[] {
  return [...listed].sort(
    (a, b) => ORDER[a.entry.state] - ORDER[b.entry.state] || b.entry.updatedAt - a.entry.updatedAt,
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
