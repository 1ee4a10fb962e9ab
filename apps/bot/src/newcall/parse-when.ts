import { MIN_SCHEDULE_AHEAD_SECONDS } from "@callbot/shared";
import { DateTime } from "luxon";

/**
 * Reads the time part of a /newcall command, in the requester's time zone.
 *
 * Accepted phrases (case-insensitive):
 * - `at 18:00`: the next 18:00 (today if still ahead, otherwise tomorrow); also `at 6pm`,
 *   `at 6:30pm`, `at noon`, `at midnight`; a clock can follow `today`/`tomorrow` in the same forms
 * - `today 18:00`, `today at 18:00`: today only (refused if already past)
 * - `tomorrow 18:30`, `tomorrow at 18:30`
 * - `in 2h`, `in 90m`, `in 1h30m`, `in 45min`, `in 2 hours`, `in 30 minutes`, `in 3 days`,
 *   `in 3 weeks`, `in 2d`, `in 1w`
 * - `on 15 jan 18:00`, `on jan 15 at 6pm`, `on 15 january 2027 18:00`: that date (without a
 *   year, the next one still ahead)
 * - `friday 19:00`, `on friday at 19:00`: the next Friday at 19:00 still ahead (today if it is
 *   Friday and 19:00 is still ahead); `next friday 19:00`: the first Friday after today
 * - ISO 8601: `2026-12-01T18:00`, `2026-12-01 18:00`, `2026-12-01T18:00+01:00`, `...Z`
 *   (without an offset it is read in the requester's zone)
 *
 * A time must be at least 10 s ahead (Telegram's minimum, SCHEDULE_DATE_INVALID otherwise) and at
 * most `maxAheadSeconds` (default a year, MAX_PLAN_AHEAD_SECONDS). Telegram itself schedules at
 * most 8 days ahead: a later call is planned by the bot's calendar (apps/bot/src/calendar/).
 */
export type WhenError =
  | { kind: "malformed-time"; phrase: string }
  /** A wall-clock time skipped by a daylight-saving change in the zone (e.g. 02:30 on spring-forward day). */
  | { kind: "nonexistent-local-time"; phrase: string }
  | { kind: "time-in-past"; phrase: string }
  | { kind: "time-too-soon"; phrase: string }
  | { kind: "time-too-far"; phrase: string };

export type WhenResult = { ok: true; scheduleDate: number } | { ok: false; error: WhenError };

export interface WhenContext {
  /** Unix milliseconds. */
  now: number;
  /** IANA zone, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Later than this is "too far". @defaultValue MAX_PLAN_AHEAD_SECONDS */
  maxAheadSeconds?: number;
}

/** The bot's calendar plans calls up to a year ahead. */
export const MAX_PLAN_AHEAD_SECONDS = 366 * 24 * 60 * 60;

const CLOCK = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/;
const TWELVE_HOUR_CLOCK = /^(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?(am|pm)$/;
const NAMED_CLOCKS: Record<string, { hour: number; minute: number }> = {
  noon: { hour: 12, minute: 0 },
  midday: { hour: 12, minute: 0 },
  midnight: { hour: 0, minute: 0 },
};
const COMPACT_DURATION = /^(?:(\d{1,3})h)?(?:(\d{1,5})m(?:in|ins)?)?(?:(\d{1,6})s)?$/;
const UNIT_SECONDS: Record<string, number> = {
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  d: 86_400,
  day: 86_400,
  days: 86_400,
  w: 7 * 86_400,
  week: 7 * 86_400,
  weeks: 7 * 86_400,
};
const COMPACT_DAYS = /^(\d{1,3})(d|w)$/;
const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
/** ISO weekday numbers (Monday 1), as Luxon counts them. */
const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const DAY_OF_MONTH = /^(0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?$/;
const YEAR = /^(20\d{2}),?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const ISO_TIME = /^\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** The words that may start a time phrase; used by the command parser to find one at the end. */
export const TIME_PHRASE_STARTERS = ["at", "today", "tomorrow", "in", "on", "next"] as const;

/** Whether a word is a unit of a spelled-out duration (`hours`, `min`, `days`; lower case). */
export function isDurationUnit(word: string): boolean {
  return Object.hasOwn(UNIT_SECONDS, word);
}

/** Whether a word names a weekday (`fri`, `friday`; lower case). */
export function isWeekdayWord(word: string): boolean {
  return Object.hasOwn(WEEKDAYS, word);
}

/** Whether a word names a month (`jan`, `january`; lower case). */
export function isMonthWord(word: string): boolean {
  return Object.hasOwn(MONTHS, word.replace(/[.,]$/, ""));
}

/** "5 pm" written as two words becomes "5pm", so that a clock is always one word. */
export function joinMeridiem(words: readonly string[]): string[] {
  const joined: string[] = [];
  for (const word of words) {
    const previous = joined.at(-1);
    if ((word === "am" || word === "pm") && previous !== undefined && /\d$/.test(previous)) {
      joined[joined.length - 1] = previous + word;
    } else {
      joined.push(word);
    }
  }
  return joined;
}

/** Whether a word after "at" names a clock time (a digit, or noon/midnight). */
export function looksLikeClock(word: string): boolean {
  return /\d/.test(word) || Object.hasOwn(NAMED_CLOCKS, word);
}

/** Whether a single word looks like an ISO 8601 date-time attempt (so a bad one is reported, not taken as title). */
export function looksLikeIsoDate(word: string): boolean {
  return /^\d{4}-\d{1,2}-\d{1,2}(?:[T ].*)?$/i.test(word);
}

/**
 * Parses a time phrase given as words (already split on whitespace). Returns unix seconds.
 * Never throws.
 */
export function parseWhen(words: readonly string[], ctx: WhenContext): WhenResult {
  const phrase = words.join(" ");
  const lower = joinMeridiem(words.map((w) => w.toLowerCase()));
  const nowLocal = DateTime.fromMillis(ctx.now, { zone: ctx.timeZone });
  if (!nowLocal.isValid) return malformed(phrase);

  const first = lower[0];
  let target: DateTime | undefined;

  if (first === "in") {
    const seconds = parseDurationSeconds(lower.slice(1));
    if (seconds === undefined) return malformed(phrase);
    return checkRange(Math.floor(ctx.now / 1000) + seconds, phrase, ctx);
  }

  const dated = parseDatedPhrase(lower, nowLocal);
  if (dated !== undefined) {
    if (dated === "malformed") return malformed(phrase);
    if (dated === "nonexistent") return { ok: false, error: { kind: "nonexistent-local-time", phrase } };
    return checkRange(Math.floor(dated.toMillis() / 1000), phrase, ctx);
  }

  if (first === "at" && lower.length === 2) {
    const clock = parseClock(lower[1]!);
    if (!clock) return malformed(phrase);
    const today = atClock(nowLocal, clock);
    if (!today) return { ok: false, error: { kind: "nonexistent-local-time", phrase } };
    target = today.toMillis() > ctx.now ? today : atClock(nowLocal.plus({ days: 1 }), clock);
    if (!target) return { ok: false, error: { kind: "nonexistent-local-time", phrase } };
  } else if (first === "today" || first === "tomorrow") {
    const rest = lower[1] === "at" ? lower.slice(2) : lower.slice(1);
    if (rest.length !== 1) return malformed(phrase);
    const clock = parseClock(rest[0]!);
    if (!clock) return malformed(phrase);
    const day = first === "today" ? nowLocal : nowLocal.plus({ days: 1 });
    target = atClock(day, clock);
    if (!target) return { ok: false, error: { kind: "nonexistent-local-time", phrase } };
  } else {
    const iso = joinIso(words);
    if (iso === undefined) return malformed(phrase);
    const parsed = DateTime.fromISO(iso, { zone: ctx.timeZone });
    if (!parsed.isValid) return malformed(phrase);
    if (!hasOffset(iso) && !sameWallClock(parsed, iso)) {
      return { ok: false, error: { kind: "nonexistent-local-time", phrase } };
    }
    target = parsed;
  }

  return checkRange(Math.floor(target.toMillis() / 1000), phrase, ctx);
}

function checkRange(scheduleDate: number, phrase: string, ctx: WhenContext): WhenResult {
  const ahead = scheduleDate - ctx.now / 1000;
  if (ahead <= 0) return { ok: false, error: { kind: "time-in-past", phrase } };
  if (ahead < MIN_SCHEDULE_AHEAD_SECONDS) return { ok: false, error: { kind: "time-too-soon", phrase } };
  if (ahead > (ctx.maxAheadSeconds ?? MAX_PLAN_AHEAD_SECONDS))
    return { ok: false, error: { kind: "time-too-far", phrase } };
  return { ok: true, scheduleDate };
}

type Dated = DateTime | "malformed" | "nonexistent" | undefined;

/**
 * `on 15 jan [2027] [at] 18:00`, `on jan 15 …`, `[on|next] friday [at] 19:00`; undefined when
 * the phrase is none of these (then the other forms are tried).
 */
function parseDatedPhrase(words: readonly string[], nowLocal: DateTime): Dated {
  let rest = words[0] === "on" ? words.slice(1) : [...words];
  const next = rest[0] === "next";
  if (next) rest = rest.slice(1);
  if (rest.length === 0) return words[0] === "on" || next ? "malformed" : undefined;
  const clockWords = rest.at(-2) === "at" ? rest.slice(-1) : rest.slice(-1);
  const dayWords = rest.slice(0, rest.at(-2) === "at" ? -2 : -1);
  const clock = parseClock(clockWords[0] ?? "");

  const weekday = WEEKDAYS[rest[0] ?? ""];
  if (weekday !== undefined) {
    if (dayWords.length !== 1 || !clock) return "malformed";
    // "next friday": never today; "friday": today if its time is still ahead.
    for (let add = next ? 1 : 0; add <= 7 + (next ? 1 : 0); add += 1) {
      const day = nowLocal.plus({ days: add });
      if (day.weekday !== weekday) continue;
      const at = atClock(day, clock);
      if (!at) return "nonexistent";
      if (at.toMillis() > nowLocal.toMillis()) return at;
    }
    return "malformed";
  }
  if (next || words[0] !== "on") return undefined;
  if (!clock) return "malformed";
  const date = readCalendarDate(dayWords);
  if (!date) return "malformed";
  const build = (year: number) => {
    const day = DateTime.fromObject({ year, month: date.month, day: date.day }, { zone: nowLocal.zone });
    return day.isValid && day.day === date.day ? atClock(day, clock) : undefined;
  };
  if (date.year !== undefined) return build(date.year) ?? "nonexistent";
  // Without a year: this year's date if still ahead, else next year's.
  const thisYear = build(nowLocal.year);
  if (thisYear && thisYear.toMillis() > nowLocal.toMillis()) return thisYear;
  return build(nowLocal.year + 1) ?? "malformed";
}

/** `15 jan`, `jan 15`, `15 january 2027`, `jan 15th, 2027`. */
function readCalendarDate(
  words: readonly string[],
): { day: number; month: number; year?: number } | undefined {
  if (words.length < 2 || words.length > 3) return undefined;
  const [a, b, c] = words as [string, string, string | undefined];
  const yearMatch = c === undefined ? undefined : YEAR.exec(c);
  if (c !== undefined && !yearMatch) return undefined;
  const year = yearMatch ? Number(yearMatch[1]) : undefined;
  const monthOf = (word: string) => MONTHS[word.replace(/[.,]$/, "")];
  const dayOf = (word: string) => {
    const match = DAY_OF_MONTH.exec(word);
    return match ? Number(match[1]) : undefined;
  };
  const day = dayOf(a) ?? dayOf(b);
  const month = monthOf(b) ?? monthOf(a);
  if (day === undefined || month === undefined) return undefined;
  return { day, month, ...(year !== undefined && { year }) };
}

function malformed(phrase: string): WhenResult {
  return { ok: false, error: { kind: "malformed-time", phrase } };
}

/** A clock word (`18:00`, `9.30`, `6pm`, `6:30pm`, `noon`, `midnight`; lower case) as hour and minute. */
export function parseClock(word: string): { hour: number; minute: number } | undefined {
  const named = NAMED_CLOCKS[word];
  if (named) return named;
  const match = CLOCK.exec(word);
  if (match) return { hour: Number(match[1]), minute: Number(match[2]) };
  const twelve = TWELVE_HOUR_CLOCK.exec(word);
  if (!twelve) return undefined;
  const hour = Number(twelve[1]) % 12;
  return { hour: twelve[3] === "pm" ? hour + 12 : hour, minute: Number(twelve[2] ?? 0) };
}

/** The given day at hh:mm in its zone, or undefined when that wall-clock time does not exist (DST gap). */
function atClock(day: DateTime, clock: { hour: number; minute: number }): DateTime | undefined {
  const result = day.set({ hour: clock.hour, minute: clock.minute, second: 0, millisecond: 0 });
  // Luxon moves a time inside a DST gap forward; a user who asked for 02:30 must not get 03:30 silently.
  if (result.hour !== clock.hour || result.minute !== clock.minute) return undefined;
  return result;
}

/** `2h`, `1h30m`, `2 hours`, `1 h 30 min`, `3 weeks`, `2d` as seconds; undefined when not a duration. */
export function parseDurationSeconds(words: readonly string[]): number | undefined {
  let seconds: number | undefined;
  if (words.length === 1) {
    const days = COMPACT_DAYS.exec(words[0]!);
    if (days) return Number(days[1]) * UNIT_SECONDS[days[2]!]!;
    const match = COMPACT_DURATION.exec(words[0]!);
    if (!match || (!match[1] && !match[2] && !match[3])) return undefined;
    seconds = Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  } else if (words.length === 2 || words.length === 4) {
    // "2 hours", "1 h 30 min" style.
    seconds = 0;
    for (let i = 0; i < words.length; i += 2) {
      const amount = words[i]!;
      const unit = UNIT_SECONDS[words[i + 1]!];
      if (!/^\d{1,5}$/.test(amount) || unit === undefined) return undefined;
      seconds += Number(amount) * unit;
    }
  }
  return seconds;
}

/** "2026-12-01T18:00" or the two words "2026-12-01 18:00" as one ISO string. */
function joinIso(words: readonly string[]): string | undefined {
  if (words.length === 1 && ISO_DATE_TIME.test(words[0]!)) return words[0]!;
  if (words.length === 2 && ISO_DATE.test(words[0]!) && ISO_TIME.test(words[1]!)) {
    return `${words[0]}T${words[1]}`;
  }
  return undefined;
}

function hasOffset(iso: string): boolean {
  return /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(iso.slice(10));
}

function sameWallClock(parsed: DateTime, iso: string): boolean {
  const hour = Number(iso.slice(11, 13));
  const minute = Number(iso.slice(14, 16));
  return parsed.hour === hour && parsed.minute === minute;
}
