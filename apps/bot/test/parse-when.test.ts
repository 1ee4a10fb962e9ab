import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { parseWhen } from "../src/newcall/parse-when.ts";

const words = (s: string) => s.split(" ");
const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).toMillis();
const unix = (iso: string, zone: string) => Math.floor(at(iso, zone) / 1000);

describe("parseWhen", () => {
  const berlinNoon = at("2026-06-10T12:00:00", "Europe/Berlin");

  it.each([
    ["at 18:00", "2026-06-10T18:00"],
    ["at 8:05", "2026-06-11T08:05"], // already past today: the next 08:05
    ["at 11:59", "2026-06-11T11:59"],
    ["AT 18.30", "2026-06-10T18:30"],
    ["today 13:00", "2026-06-10T13:00"],
    ["today at 13:00", "2026-06-10T13:00"],
    ["tomorrow 18:30", "2026-06-11T18:30"],
    ["Tomorrow at 07:00", "2026-06-11T07:00"],
    ["2026-06-12T09:15", "2026-06-12T09:15"],
    ["2026-06-12 09:15", "2026-06-12T09:15"],
    ["at noon", "2026-06-11T12:00"], // noon exactly now is not ahead: tomorrow's
    ["at midnight", "2026-06-11T00:00"],
    ["at 6pm", "2026-06-10T18:00"],
    ["at 6:45pm", "2026-06-10T18:45"],
    ["at 12pm", "2026-06-11T12:00"],
    ["tomorrow at 12am", "2026-06-11T00:00"],
    ["tomorrow 9.30am", "2026-06-11T09:30"],
  ])("%s in Europe/Berlin at noon -> %s local", (phrase, expected) => {
    const result = parseWhen(words(phrase), { now: berlinNoon, timeZone: "Europe/Berlin" });
    expect(result).toEqual({ ok: true, scheduleDate: unix(expected, "Europe/Berlin") });
  });

  it.each([
    ["in 2h", 7200],
    ["in 90m", 5400],
    ["in 1h30m", 5400],
    ["in 45min", 2700],
    ["in 30s", 30],
    ["in 2 hours", 7200],
    ["in 1 h 30 min", 5400],
    ["in 10 minutes", 600],
  ])("%s is %i s from now", (phrase, seconds) => {
    const result = parseWhen(words(phrase), { now: berlinNoon, timeZone: "Europe/Berlin" });
    expect(result).toEqual({ ok: true, scheduleDate: berlinNoon / 1000 + seconds });
  });

  it("an ISO time with an offset ignores the requester's zone", () => {
    const result = parseWhen(["2026-06-10T15:00:00Z"], { now: berlinNoon, timeZone: "America/New_York" });
    expect(result).toEqual({ ok: true, scheduleDate: Date.UTC(2026, 5, 10, 15) / 1000 });
  });

  it("the same wall-clock phrase means different instants in different zones", () => {
    const now = Date.UTC(2026, 5, 10, 0, 0);
    const tokyo = parseWhen(words("tomorrow 09:00"), { now, timeZone: "Asia/Tokyo" });
    const lima = parseWhen(words("tomorrow 09:00"), { now, timeZone: "America/Lima" });
    expect(tokyo).toEqual({ ok: true, scheduleDate: unix("2026-06-11T09:00", "Asia/Tokyo") });
    expect(lima).toEqual({ ok: true, scheduleDate: unix("2026-06-10T09:00", "America/Lima") });
  });

  describe("daylight saving time", () => {
    // Europe/Berlin: clocks go 02:00 -> 03:00 on 2026-03-29 and 03:00 -> 02:00 on 2026-10-25.
    it("tomorrow 18:00 across spring-forward is 22 hours after 19:00 today (one hour skipped)", () => {
      const now = at("2026-03-28T19:00", "Europe/Berlin");
      const result = parseWhen(words("tomorrow 18:00"), { now, timeZone: "Europe/Berlin" });
      expect(result).toEqual({ ok: true, scheduleDate: unix("2026-03-29T18:00", "Europe/Berlin") });
      if (!result.ok) throw new Error("unreachable");
      expect(result.scheduleDate - now / 1000).toBe(22 * 3600);
    });

    it("a wall-clock time inside the skipped hour is refused, not moved", () => {
      const now = at("2026-03-28T12:00", "Europe/Berlin");
      expect(parseWhen(words("tomorrow 02:30"), { now, timeZone: "Europe/Berlin" })).toEqual({
        ok: false,
        error: { kind: "nonexistent-local-time", phrase: "tomorrow 02:30" },
      });
      expect(parseWhen(["2026-03-29T02:30"], { now, timeZone: "Europe/Berlin" })).toMatchObject({
        ok: false,
        error: { kind: "nonexistent-local-time" },
      });
    });

    it("in 2h across fall-back is exactly 7200 s (durations ignore the wall clock)", () => {
      const now = at("2026-10-25T01:30", "Europe/Berlin");
      expect(parseWhen(words("in 2h"), { now, timeZone: "Europe/Berlin" })).toEqual({
        ok: true,
        scheduleDate: now / 1000 + 7200,
      });
    });

    it("tomorrow 18:00 across fall-back is 25 hours after today's 18:00", () => {
      const now = at("2026-10-24T17:00", "Europe/Berlin");
      const result = parseWhen(words("tomorrow 18:00"), { now, timeZone: "Europe/Berlin" });
      expect(result).toEqual({ ok: true, scheduleDate: unix("2026-10-25T18:00", "Europe/Berlin") });
      expect(unix("2026-10-25T18:00", "Europe/Berlin") - unix("2026-10-24T18:00", "Europe/Berlin")).toBe(
        25 * 3600,
      );
    });

    it("New York's spring-forward (a different date) is handled in its own zone", () => {
      const now = at("2026-03-07T12:00", "America/New_York");
      expect(parseWhen(words("tomorrow 02:15"), { now, timeZone: "America/New_York" })).toMatchObject({
        ok: false,
        error: { kind: "nonexistent-local-time" },
      });
      expect(parseWhen(words("tomorrow 02:15"), { now, timeZone: "Europe/Berlin" })).toMatchObject({
        ok: true,
      });
    });
  });

  it.each([
    ["at 25:00"],
    ["at 18:60"],
    ["at tea-time"],
    ["at 13pm"],
    ["at 5"],
    ["tomorrow"],
    ["tomorrow 18"],
    ["in 2x"],
    ["in 2024"],
    ["in"],
    ["in 2 parsecs"],
    ["2026-13-45T10:00"],
    ["2026-06-12"],
    ["yesterday 10:00"],
  ])("%s is malformed", (phrase) => {
    expect(parseWhen(words(phrase), { now: berlinNoon, timeZone: "Europe/Berlin" })).toEqual({
      ok: false,
      error: { kind: "malformed-time", phrase },
    });
  });

  it.each([
    ["2026-06-09T12:00", "time-in-past"],
    ["today 11:00", "time-in-past"],
    ["in 5s", "time-too-soon"],
    ["in 0m", "time-in-past"],
    ["in 9s", "time-too-soon"],
    ["2027-06-12T12:01", "time-too-far"],
    ["in 53 weeks", "time-too-far"],
  ])("%s is out of range: %s", (phrase, kind) => {
    expect(parseWhen(words(phrase), { now: berlinNoon, timeZone: "Europe/Berlin" })).toEqual({
      ok: false,
      error: { kind, phrase },
    });
  });

  it("the range edges: 10 s and exactly 366 days ahead are accepted (the calendar plans beyond Telegram's 8 days)", () => {
    const ctx = { now: berlinNoon, timeZone: "Europe/Berlin" };
    expect(parseWhen(words("in 10s"), ctx)).toMatchObject({ ok: true });
    expect(parseWhen(words("in 192h"), ctx)).toMatchObject({ ok: true });
    expect(parseWhen(words("in 366 days"), ctx)).toMatchObject({ ok: true });
    expect(parseWhen(["2026-06-18T12:00"], ctx)).toMatchObject({ ok: true });
  });
});
