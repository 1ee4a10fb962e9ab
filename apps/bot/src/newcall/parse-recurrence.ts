import { joinMeridiem, looksLikeClock, parseClock } from "./parse-when.ts";

/**
 * The recurrence part of /newcall: `every <days> [at] <clock>`, read in the requester's zone.
 *
 *   every monday 18:00        every mon,thu 09:30       every mon, thu and fri 9am
 *   every day 18:00           every weekday 9:00        every weekend at noon
 *
 * Days are ISO weekdays (1 = Monday ... 7 = Sunday), as RecurringRule stores them.
 */
export interface Recurrence {
  weekdays: number[];
  hour: number;
  minute: number;
}

export type RecurrenceError =
  | { kind: "malformed-recurrence"; phrase: string }
  /** `every monday` with no clock time. */
  | { kind: "recurrence-needs-time"; phrase: string };

export type RecurrenceResult = { ok: true; recurrence: Recurrence } | { ok: false; error: RecurrenceError };

const DAY_NAMES: Record<string, number[]> = {
  day: [1, 2, 3, 4, 5, 6, 7],
  daily: [1, 2, 3, 4, 5, 6, 7],
  weekday: [1, 2, 3, 4, 5],
  weekdays: [1, 2, 3, 4, 5],
  weekend: [6, 7],
  weekends: [6, 7],
};
const WEEKDAY_SPELLINGS: [number, string[]][] = [
  [1, ["monday", "mon"]],
  [2, ["tuesday", "tue", "tues"]],
  [3, ["wednesday", "wed"]],
  [4, ["thursday", "thu", "thur", "thurs"]],
  [5, ["friday", "fri"]],
  [6, ["saturday", "sat"]],
  [7, ["sunday", "sun"]],
];
for (const [day, spellings] of WEEKDAY_SPELLINGS) {
  for (const spelling of spellings) {
    DAY_NAMES[spelling] = [day];
    // "every mondays" reads naturally to some; accept the plural of the full name.
    if (spelling.endsWith("day")) DAY_NAMES[`${spelling}s`] = [day];
  }
}

/** Longest recurrence phrase looked at: "every mon , tue , wed and thu at 6 pm" and the like. */
const MAX_PHRASE_WORDS = 16;

/**
 * How many words at the end form an attempt at a recurrence (0: none): `every`, then only day
 * names (commas and `and` between them), then optionally `at` and a clock. A failed attempt
 * still counts, so `every monday 25:00` is reported rather than silently put into the title;
 * `Every day counts` is not an attempt (counts is no day) and stays a title.
 */
export function findRecurrencePhraseLength(words: readonly string[]): number {
  const n = words.length;
  for (let start = n - 1; start >= 0 && n - start <= MAX_PHRASE_WORDS; start--) {
    if (words[start]?.toLowerCase() !== "every") continue;
    const phrase = joinMeridiem(words.slice(start).map((w) => w.toLowerCase()));
    return isRecurrenceAttempt(phrase) ? n - start : 0;
  }
  return 0;
}

/** Parses a phrase that findRecurrencePhraseLength accepted. Pure; never throws. */
export function parseRecurrence(words: readonly string[]): RecurrenceResult {
  const phrase = words.join(" ");
  const lower = joinMeridiem(words.map((w) => w.toLowerCase()));
  if (lower[0] !== "every") return { ok: false, error: { kind: "malformed-recurrence", phrase } };
  const { dayWords, clockWord } = splitDaysAndClock(lower.slice(1));
  if (clockWord === undefined) return { ok: false, error: { kind: "recurrence-needs-time", phrase } };
  const clock = parseClock(clockWord);
  const days = readDays(dayWords);
  if (!clock || !days) return { ok: false, error: { kind: "malformed-recurrence", phrase } };
  return { ok: true, recurrence: { weekdays: days, hour: clock.hour, minute: clock.minute } };
}

function isRecurrenceAttempt(phrase: readonly string[]): boolean {
  const { dayWords, clockWord } = splitDaysAndClock(phrase.slice(1));
  const tokens = dayTokens(dayWords);
  if (tokens.length === 0) return false;
  if (tokens.every((t) => Object.hasOwn(DAY_NAMES, t))) return true;
  // A misspelt day ("every fridy 18:00", "every mon, fridy 18:00") is reported rather than read as
  // a title; but "Every day counts at 18:00" is a title followed by a time.
  if (clockWord === undefined || !tokens.every((t) => /^[a-z]+$/.test(t))) return false;
  return tokens.length === 1 || dayWords.some((w) => w.includes(","));
}

function splitDaysAndClock(rest: readonly string[]): { dayWords: string[]; clockWord: string | undefined } {
  const last = rest.at(-1);
  if (last === undefined || !looksLikeClock(last) || Object.hasOwn(DAY_NAMES, last)) {
    return { dayWords: [...rest], clockWord: undefined };
  }
  const days = rest.slice(0, -1);
  if (days.at(-1) === "at") days.pop();
  return { dayWords: days, clockWord: last };
}

function dayTokens(dayWords: readonly string[]): string[] {
  return dayWords
    .flatMap((w) => w.split(","))
    .map((t) => t.trim())
    .filter((t) => t.length > 0 && t !== "and" && t !== "&");
}

function readDays(dayWords: readonly string[]): number[] | undefined {
  const tokens = dayTokens(dayWords);
  if (tokens.length === 0) return undefined;
  const days = new Set<number>();
  for (const token of tokens) {
    const found = DAY_NAMES[token];
    if (!found) return undefined;
    for (const day of found) days.add(day);
  }
  return [...days].sort((a, b) => a - b);
}
