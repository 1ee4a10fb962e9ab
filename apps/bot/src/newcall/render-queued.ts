import { describeCall } from "../messages/describe-call.ts";
import { formatDistance, formatScheduleTime } from "../messages/format-time.ts";

export interface QueuedFacts {
  chatTitle: string;
  title: string | undefined;
  scheduleDate: number | undefined;
  rtmp: boolean;
  /** Only meaningful with a scheduleDate. */
  autostart?: boolean;
  /** Unix seconds of a set end. */
  endAt?: number;
  timeZone: string;
  /** Unix milliseconds. */
  now: number;
  /** The chat's scheduled or live call as the calls registry knows it: said early (the worker still decides). */
  knownCall?: { state: "scheduled" | "live"; title: string | undefined; rtmp: boolean };
}

/**
 * The immediate answer to an accepted /newcall (plain text; user strings are never parsed as
 * markup). It names the chat, title, time and zone, so a misunderstanding is visible at once.
 */
export function renderQueued(facts: QueuedFacts): string {
  const when =
    facts.scheduleDate === undefined
      ? "to start now"
      : `scheduled for ${formatScheduleTime(facts.scheduleDate, facts.timeZone)}, ${formatDistance(facts.scheduleDate, facts.now)}`;
  const lines = [`⏳ Queued: ${describeCall(facts)} in «${facts.chatTitle}», ${when}.`];
  if (facts.autostart && facts.scheduleDate !== undefined) {
    lines.push(`It will start automatically at ${formatScheduleTime(facts.scheduleDate, facts.timeZone)}.`);
  }
  if (facts.endAt !== undefined) {
    lines.push(`It will end by itself at ${formatScheduleTime(facts.endAt, facts.timeZone)}.`);
  }
  if (facts.knownCall) {
    const state = facts.knownCall.state === "live" ? "a live" : "a scheduled";
    const known = describeCall(facts.knownCall).replace(/^(video chat|livestream)/, `${state} $1`);
    lines.push(
      `As far as I know, «${facts.chatTitle}» already has ${known}. Telegram allows one call per chat: I will check before creating anything, and ask before replacing it.`,
    );
  }
  lines.push("I will update this message with the result.");
  return lines.join("\n");
}
