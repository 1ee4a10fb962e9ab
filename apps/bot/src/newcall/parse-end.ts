import { DateTime } from "luxon";
import {
  isDurationUnit,
  joinMeridiem,
  looksLikeClock,
  parseClock,
  parseDurationSeconds,
  parseWhen,
} from "./parse-when.ts";

/**
 * A call's set end, at the end of a /newcall: `for 30m`, `for 1h30m`, `for 2 hours`, or
 * `until 19:30` (the first 19:30 after the call starts), `until 7pm`, `until tomorrow 10:00`,
 * `until 2026-12-01T19:00`. The bot ends the call at that time (see calendar/plan-auto-end.ts).
 */
export type EndError =
  | { kind: "malformed-end"; phrase: string }
  | { kind: "end-not-after-start"; phrase: string }
  | { kind: "end-too-long"; phrase: string; maxHours: number }
  | { kind: "several-ends" }
  | { kind: "end-with-recurrence" };

export type EndResult = { ok: true; endAt: number } | { ok: false; error: EndError };

/** A set end further than this after the start is refused (a typo more likely than a plan). */
export const MAX_SET_END_HOURS = 7 * 24;

const END_STARTERS = new Set(["for", "until", "till"]);

/**
 * How many words at the end form a set end attempt (0: none). `for` must be followed by a number
 * and only numbers and units ("for 1 h 30 min"), so "for 30m in 1h" is an end and a time, and
 * "Talk for kids" stays a title.
 */
export function findEndPhraseLength(words: readonly string[]): number {
  const n = words.length;
  for (const k of [5, 4, 3, 2]) {
    if (k > n) continue;
    const phrase = joinMeridiem(words.slice(n - k).map((w) => w.toLowerCase()));
    const [first, second] = phrase;
    if (first === undefined || !END_STARTERS.has(first)) continue;
    if (first === "for") {
      const durationWords = phrase.slice(1).every((w) => /^\d/.test(w) || isDurationUnit(w));
      if (/^\d/.test(second ?? "") && durationWords) return k;
      continue;
    }
    if (second !== undefined && (looksLikeClock(second) || /^(today|tomorrow|\d{4}-)/.test(second))) return k;
  }
  return 0;
}

/** Reads the end words (from findEndPhraseLength) against the call's start (unix seconds). */
export function readEnd(
  words: readonly string[],
  ctx: { startsAt: number; now: number; timeZone: string },
): EndResult {
  const phrase = words.join(" ");
  const lower = joinMeridiem(words.map((w) => w.toLowerCase()));
  let endAt: number | undefined;
  if (lower[0] === "for") {
    const seconds = parseDurationSeconds(lower.slice(1));
    if (seconds === undefined || seconds <= 0) return fail({ kind: "malformed-end", phrase });
    endAt = ctx.startsAt + seconds;
  } else if (lower.length === 2) {
    const clock = parseClock(lower[1] ?? "");
    if (!clock) return fail({ kind: "malformed-end", phrase });
    const start = DateTime.fromSeconds(ctx.startsAt, { zone: ctx.timeZone });
    let end = start.set({ hour: clock.hour, minute: clock.minute, second: 0, millisecond: 0 });
    if (end <= start) end = end.plus({ days: 1 });
    endAt = Math.floor(end.toMillis() / 1000);
  } else {
    const when = parseWhen(lower.slice(1), { now: ctx.now, timeZone: ctx.timeZone });
    if (!when.ok) return fail({ kind: "malformed-end", phrase });
    endAt = when.scheduleDate;
  }
  if (endAt <= ctx.startsAt) return fail({ kind: "end-not-after-start", phrase });
  if (endAt - ctx.startsAt > MAX_SET_END_HOURS * 3600)
    return fail({ kind: "end-too-long", phrase, maxHours: MAX_SET_END_HOURS });
  return { ok: true, endAt };
}

function fail(error: EndError): EndResult {
  return { ok: false, error };
}
