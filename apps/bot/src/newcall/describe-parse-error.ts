import { MAX_SCHEDULE_AHEAD_SECONDS, MIN_SCHEDULE_AHEAD_SECONDS } from "@callbot/shared";
import type { NewCallParseError } from "./parse-new-call-command.ts";
import { quoteTypedOr as q } from "./quote-typed.ts";

const TIME_FORMS =
  "at 18:00, tomorrow 18:30, in 2h, in 1h30m, in 3 weeks, friday 19:00, next friday 19:00, on 15 jan 18:00, or 2026-12-01T18:00";
const END_FORMS = "for 30m, for 1h30m, for 2 hours, until 19:30 or until tomorrow 10:00";
const RECURRENCE_FORMS = "every monday 18:00, every mon,thu 09:30, every day 18:00 or every weekday 9:00";
const RANGE = `between ${MIN_SCHEDULE_AHEAD_SECONDS} seconds and a year from now (Telegram shows it ${MAX_SCHEDULE_AHEAD_SECONDS / 86_400} days ahead at most; I plan further ones and create them in time)`;

/**
 * What the user reads when /newcall cannot be understood: what was wrong and what to write
 * instead. Plain text (sent without parse_mode), so echoed input cannot break formatting; every
 * echoed word goes through quoteTyped, so it carries no invisible or direction-changing
 * characters and never becomes a link (without a quote, the sentence still reads).
 */
export function describeParseError(error: NewCallParseError, ctx: { timeZone: string }): string {
  const zone = `Times are read in ${ctx.timeZone}.`;
  switch (error.kind) {
    case "not-for-this-bot":
    case "not-a-newcall-command":
      return "Send /newcall followed by a title and, optionally, a time. See /help for examples.";
    case "input-too-long":
      return `That command is too long (the limit is ${error.max} characters). Send a title of up to 64 characters and, optionally, a time.`;
    case "missing-target":
      return [
        "In this private chat, first name the group or channel the call is for, for example:",
        "/newcall @yourgroup Weekly sync tomorrow 18:00",
        "/newcall t.me/yourchannel Launch stream in 2h rtmp",
        "/newcall -1001234567890 Standup",
        "Or send /newcall in the group itself.",
      ].join("\n");
    case "invalid-target":
      if (error.reason === "user-id") {
        return `${q(error.given, "That")} is a user id, not a group or channel. Use the chat's @username, its t.me link or its -100… id.`;
      }
      if (error.reason === "invite-link") {
        return "Invite links (t.me/+…) cannot be looked up by bots. Use the chat's @username, or its -100… id, or send /newcall in the group itself.";
      }
      return `${q(error.given, "That")} is not a chat I can look up. Use @username, a t.me/username link, or a -100… id.`;
    case "unknown-flag":
      return `Unknown option ${q(error.flag, "in the command")}. The options are rtmp (or livestream), for a livestream, and autostart, to start a scheduled call at its time. To use ${q(error.flag, "such a word")} in the title, put the title in quotes.`;
    case "autostart-needs-time":
      return `autostart starts a scheduled call at its time, so it needs a time (${TIME_FORMS}) or a recurrence (${RECURRENCE_FORMS}). Without a time the call starts now anyway.`;
    case "malformed-recurrence":
      return `I could not read the recurrence ${q(error.phrase, "you gave")}. Write it like: ${RECURRENCE_FORMS}. ${zone} If those words belong to the title, put the title in quotes.`;
    case "recurrence-needs-time":
      return `${q(error.phrase, "A recurrence")} needs a time of day, for example: ${RECURRENCE_FORMS}. ${zone}`;
    case "unclosed-quote":
      return 'The title\'s opening quote has no closing quote. Write it like: /newcall "Q&A at noon" tomorrow 12:00';
    case "words-after-quoted-title":
      return `I did not understand ${q(error.words, "the words")} after the quoted title. After the title you may add a time (${TIME_FORMS}) or a recurrence (${RECURRENCE_FORMS}), autostart and rtmp.`;
    case "several-times":
      return `Give only one time or recurrence, at the end: ${TIME_FORMS}, or ${RECURRENCE_FORMS}. To use a time in the title itself, put the title in quotes.`;
    case "malformed-time":
      return `I could not read the time ${q(error.phrase, "you gave")}. Write it like: ${TIME_FORMS}. ${zone} If those words belong to the title, put the title in quotes.`;
    case "nonexistent-local-time":
      return `${q(error.phrase, "That time")} does not exist in ${ctx.timeZone}: the clocks skip that hour for daylight saving time. Pick a time outside the skipped hour.`;
    case "time-in-past":
      return `${q(error.phrase, "That time")} is in the past. A call can be scheduled ${RANGE}. ${zone}`;
    case "time-too-soon":
      return `${q(error.phrase, "That time")} is too soon. A call can be scheduled ${RANGE}; leave out the time to start the call now. ${zone}`;
    case "time-too-far":
      return `${q(error.phrase, "That time")} is too far ahead. A call can be planned ${RANGE}. ${zone}`;
    case "malformed-end":
      return `I could not read the end ${q(error.phrase, "you gave")}. Write it like: ${END_FORMS}. ${zone} If those words belong to the title, put the title in quotes.`;
    case "end-not-after-start":
      return `${q(error.phrase, "That end")} is not after the call's start. Give an end after it: ${END_FORMS}.`;
    case "end-too-long":
      return `${q(error.phrase, "That end")} is more than ${error.maxHours / 24} days after the start. Give a shorter length (${END_FORMS}), or end the call by hand in /calls.`;
    case "several-ends":
      return `Give only one end, at the end: ${END_FORMS}.`;
    case "end-with-recurrence":
      return `A set end (${END_FORMS}) works with a single call only, not with a recurring one. Leave it out, and end each call in /calls.`;
    case "title-too-long":
      return `The title is ${error.length} characters long; Telegram allows at most ${error.max}. Please shorten it.`;
  }
}
