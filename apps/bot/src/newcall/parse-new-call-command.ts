import { type CleanTitleResult, cleanTitle } from "./clean-title.ts";
import { type ChatRef, type ChatRefError, looksLikeChatRef, parseChatRef } from "./parse-chat-ref.ts";
import { type EndError, findEndPhraseLength, readEnd } from "./parse-end.ts";
import {
  findRecurrencePhraseLength,
  parseRecurrence,
  type Recurrence,
  type RecurrenceError,
} from "./parse-recurrence.ts";
import {
  isMonthWord,
  isWeekdayWord,
  joinMeridiem,
  looksLikeClock,
  looksLikeIsoDate,
  parseWhen,
  type WhenError,
} from "./parse-when.ts";

/**
 * The /newcall grammar (documented in /help and the README):
 *
 *   in a group:        /newcall [title] [time | every <days> <clock>] [autostart] [rtmp]
 *   in a private chat: /newcall <@username | t.me/username | -100… id> [title] [time | every …] [autostart] [rtmp]
 *
 * - The title is whatever words remain; wrap it in quotes ("…", “…”, «…») to use words that would
 *   otherwise be read as a time or as `rtmp`.
 * - The time (or a recurrence, `every monday 18:00`), a set end (`for 30m`, `until 19:30`),
 *   `autostart` and `rtmp` (or `livestream`) are recognised at the END, in any order.
 * - No time: the call starts now. `autostart` needs a time or a recurrence: a call that starts
 *   now has nothing left to start.
 * - Words starting with `--` are flags; only `--rtmp`, `--livestream` and `--autostart` exist.
 */
export interface NewCallCommand {
  target: ChatRef;
  title: string | undefined;
  /** Unix seconds; undefined: start now. */
  scheduleDate: number | undefined;
  rtmp: boolean;
  /** `autostart` given: true; not given: undefined (the chat's default applies). */
  autostart: boolean | undefined;
  /** `every …`: a recurring call instead of a single one (scheduleDate is then undefined). */
  recurrence: Recurrence | undefined;
  /** `for 30m` / `until 19:30`: unix seconds the call is ended at; undefined: no set end. */
  endAt: number | undefined;
}

export type NewCallParseError =
  /** `/newcall@otherbot`: another bot's command, to be left alone. */
  | { kind: "not-for-this-bot" }
  | { kind: "not-a-newcall-command" }
  | { kind: "input-too-long"; max: number }
  /** Private chat, and the first word does not name a chat. */
  | { kind: "missing-target" }
  | ChatRefError
  | { kind: "unknown-flag"; flag: string }
  | { kind: "unclosed-quote" }
  | { kind: "words-after-quoted-title"; words: string }
  | { kind: "several-times" }
  /** `autostart` on a call that starts now. */
  | { kind: "autostart-needs-time" }
  | WhenError
  | EndError
  | RecurrenceError
  | Extract<CleanTitleResult, { ok: false }>["error"];

export type NewCallParseResult =
  | { ok: true; command: NewCallCommand }
  | { ok: false; error: NewCallParseError };

export interface NewCallParseContext {
  /** Where the command was sent. */
  chatType: "private" | "group" | "supergroup" | "channel";
  /** This bot's username, without "@". */
  botUsername: string;
  /** Unix milliseconds. */
  now: number;
  /** The requester's IANA time zone. */
  timeZone: string;
}

/** Longer arguments than this are not a plausible command (title 64 + chat + time fit easily). */
export const MAX_ARGUMENTS_LENGTH = 300;

const COMMAND = /^\/newcall(?:@([a-z0-9_]+))?(?=\s|$)([\s\S]*)$/i;
const RTMP_WORDS = new Set(["rtmp", "livestream", "--rtmp", "--livestream"]);
const AUTOSTART_WORDS = new Set(["autostart", "--autostart", "auto-start"]);
const FLAG = /^(?:--|\u2014|\u2013)\S/; // Some clients turn "--" into an em or en dash.
const QUOTES: Record<string, string[]> = {
  '"': ['"'],
  "\u201c": ["\u201d", '"'],
  "\u201e": ["\u201c", "\u201d"],
  "\u00ab": ["\u00bb"],
};
const TIME_STARTERS = new Set(["at", "today", "tomorrow", "in", "on", "next"]);

/** Parses the whole text of a /newcall message. Pure; never throws. */
export function parseNewCallCommand(text: string, ctx: NewCallParseContext): NewCallParseResult {
  const match = COMMAND.exec(text);
  if (!match) return fail({ kind: "not-a-newcall-command" });
  const mention = match[1];
  if (mention !== undefined && mention.toLowerCase() !== ctx.botUsername.toLowerCase()) {
    return fail({ kind: "not-for-this-bot" });
  }
  let args = (match[2] ?? "").trim();
  if (args.length > MAX_ARGUMENTS_LENGTH) return fail({ kind: "input-too-long", max: MAX_ARGUMENTS_LENGTH });

  let target: ChatRef = { kind: "here" };
  if (ctx.chatType === "private") {
    const first = args.split(/\s+/, 1)[0] ?? "";
    if (first.length === 0 || !looksLikeChatRef(first)) return fail({ kind: "missing-target" });
    const ref = parseChatRef(first);
    if (!ref.ok) return fail(ref.error);
    target = ref.ref;
    args = args.slice(first.length).trim();
  }

  const quoted = splitQuotedTitle(args);
  if (quoted === "unclosed") return fail({ kind: "unclosed-quote" });

  const words = (quoted ? quoted.rest : args).split(/\s+/).filter((w) => w.length > 0);
  const trailing = takeTrailingOptions(words, ctx);
  if (!trailing.ok) return fail(trailing.error);

  let rawTitle: string;
  if (quoted) {
    if (trailing.remaining.length > 0) {
      return fail({ kind: "words-after-quoted-title", words: trailing.remaining.join(" ") });
    }
    rawTitle = quoted.title;
  } else {
    const flag = trailing.remaining.find((w) => FLAG.test(w));
    if (flag !== undefined) return fail({ kind: "unknown-flag", flag });
    rawTitle = trailing.remaining.join(" ");
  }

  const title = cleanTitle(rawTitle);
  if (!title.ok) return fail(title.error);
  if (trailing.autostart && trailing.scheduleDate === undefined && trailing.recurrence === undefined) {
    return fail({ kind: "autostart-needs-time" });
  }
  let endAt: number | undefined;
  if (trailing.endWords !== undefined) {
    if (trailing.recurrence !== undefined) return fail({ kind: "end-with-recurrence" });
    const end = readEnd(trailing.endWords, {
      startsAt: trailing.scheduleDate ?? Math.floor(ctx.now / 1000),
      now: ctx.now,
      timeZone: ctx.timeZone,
    });
    if (!end.ok) return fail(end.error);
    endAt = end.endAt;
  }

  return {
    ok: true,
    command: {
      target,
      title: title.title,
      scheduleDate: trailing.scheduleDate,
      rtmp: trailing.rtmp,
      autostart: trailing.autostart ? true : undefined,
      recurrence: trailing.recurrence,
      endAt,
    },
  };
}

function fail(error: NewCallParseError): NewCallParseResult {
  return { ok: false, error };
}

function splitQuotedTitle(args: string): { title: string; rest: string } | "unclosed" | undefined {
  const open = args[0];
  if (open === undefined) return undefined;
  const closers = QUOTES[open];
  if (!closers) return undefined;
  let end = -1;
  for (const closer of closers) {
    const at = args.indexOf(closer, 1);
    if (at !== -1 && (end === -1 || at < end)) end = at;
  }
  if (end === -1) return "unclosed";
  return { title: args.slice(1, end), rest: args.slice(end + 1) };
}

type Trailing =
  | {
      ok: true;
      remaining: string[];
      scheduleDate: number | undefined;
      rtmp: boolean;
      autostart: boolean;
      recurrence: Recurrence | undefined;
      /** The words of a set end (`for 30m`, `until 19:30`), read once the start is known. */
      endWords: string[] | undefined;
    }
  | { ok: false; error: NewCallParseError };

/** Pops `rtmp`, `autostart` and one time or recurrence phrase off the end of the words, in any order. */
function takeTrailingOptions(words: string[], ctx: NewCallParseContext): Trailing {
  const remaining = [...words];
  let rtmp = false;
  let autostart = false;
  let scheduleDate: number | undefined;
  let recurrence: Recurrence | undefined;
  let endWords: string[] | undefined;
  let timeFound = false;

  for (;;) {
    const last = remaining.at(-1);
    if (last === undefined) break;
    if (RTMP_WORDS.has(last.toLowerCase())) {
      rtmp = true;
      remaining.pop();
      continue;
    }
    if (AUTOSTART_WORDS.has(last.toLowerCase())) {
      autostart = true;
      remaining.pop();
      continue;
    }
    // Before the time phrases: "until 19:30" and "for 2 hours" end in what looks like a time.
    const endLength = findEndPhraseLength(remaining);
    if (endLength > 0) {
      if (endWords !== undefined) return { ok: false, error: { kind: "several-ends" } };
      endWords = remaining.splice(-endLength);
      continue;
    }
    // Before the time phrases: "every monday at 18:00" ends in what looks like a time of its own.
    const recurrenceLength = findRecurrencePhraseLength(remaining);
    if (recurrenceLength > 0) {
      if (timeFound) return { ok: false, error: { kind: "several-times" } };
      const parsed = parseRecurrence(remaining.slice(-recurrenceLength));
      if (!parsed.ok) return { ok: false, error: parsed.error };
      recurrence = parsed.recurrence;
      timeFound = true;
      remaining.splice(-recurrenceLength);
      continue;
    }
    const phraseLength = findTimePhraseLength(remaining);
    if (phraseLength === 0) break;
    if (timeFound) return { ok: false, error: { kind: "several-times" } };
    const when = parseWhen(remaining.slice(-phraseLength), { now: ctx.now, timeZone: ctx.timeZone });
    if (!when.ok) return { ok: false, error: when.error };
    scheduleDate = when.scheduleDate;
    timeFound = true;
    remaining.splice(-phraseLength);
  }
  return { ok: true, remaining, scheduleDate, rtmp, autostart, recurrence, endWords };
}

/**
 * How many words at the end form an attempt at a time (0: none). A failed attempt still counts,
 * so that `at 25:00` is reported as a bad time rather than silently becoming part of the title
 * (and the call starting now). Titles that really end like that can be quoted.
 */
function findTimePhraseLength(words: readonly string[]): number {
  const n = words.length;
  // Longest first: "on 15 january 2027 at 18:00" (6 words), "in 1 h 30 min", "tomorrow at 18:30",
  // "in 2 hours", "at 18:00", "2026-12-01T18:00".
  for (const k of [6, 5, 4, 3, 2, 1]) {
    if (k > n) continue;
    const phrase = words.slice(n - k).map((w) => w.toLowerCase());
    if (isTimeAttempt(phrase)) return k;
  }
  return 0;
}

function isTimeAttempt(words: readonly string[]): boolean {
  // "at 5 pm" is judged as "at 5pm"; the caller still removes all three words.
  const phrase = joinMeridiem(words);
  const [first, second, third] = phrase;
  if (first === undefined) return false;
  if (phrase.length === 1) return looksLikeIsoDate(first) || first === "today" || first === "tomorrow";
  if (isWeekdayWord(first)) {
    // "friday 19:00", "friday at 7pm"
    if (phrase.length === 2) return looksLikeClock(second ?? "");
    return phrase.length === 3 && second === "at" && looksLikeClock(third ?? "");
  }
  if (first === "next") {
    // "next friday 19:00", "next friday at 19:00"
    if (!isWeekdayWord(second ?? "")) return false;
    return phrase.length === 3 || (phrase.length === 4 && third === "at");
  }
  if (first === "on") {
    // "on 15 jan 18:00", "on jan 15 at 18:00", "on friday 19:00": a date or weekday must follow.
    if (phrase.length < 3) return false;
    const next = second ?? "";
    return /^\d/.test(next) || isMonthWord(next) || isWeekdayWord(next);
  }
  if (phrase.length > 5) return false;
  if (phrase.length === 2 && looksLikeIsoDate(first) && /^\d/.test(second ?? "")) return true;
  if (!TIME_STARTERS.has(first)) return false;
  if (first === "in") {
    // "in 2h" / "in 2 hours" / "in 1 h 30 min": the word after "in" must start with a digit.
    if (!/^\d/.test(second ?? "")) return false;
    if (phrase.length === 2) return true;
    return phrase.slice(2).every((w, i) => (i % 2 === 0 ? /^[a-z]+$/.test(w) : /^\d/.test(w)));
  }
  if ((first === "today" || first === "tomorrow") && second === "at") {
    return phrase.length === 3 && looksLikeClock(third ?? "");
  }
  return phrase.length === 2 && looksLikeClock(second ?? "");
}
