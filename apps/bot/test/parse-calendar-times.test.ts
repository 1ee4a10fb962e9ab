import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { describeParseError } from "../src/newcall/describe-parse-error.ts";
import { type NewCallParseContext, parseNewCallCommand } from "../src/newcall/parse-new-call-command.ts";
import { parseWhen } from "../src/newcall/parse-when.ts";

// Wednesday 10 June 2026, noon in Berlin.
const zone = "Europe/Berlin";
const now = DateTime.fromISO("2026-06-10T12:00:00", { zone }).toMillis();
const local = (iso: string) => Math.floor(DateTime.fromISO(iso, { zone }).toMillis() / 1000);
const words = (phrase: string) => phrase.split(" ");
const group: NewCallParseContext = {
  chatType: "supergroup",
  botUsername: "callbot_sandbox_bot",
  now,
  timeZone: zone,
};

describe("times weeks and months ahead (the bot's calendar)", () => {
  it.each([
    ["on 15 jan 18:00", "2027-01-15T18:00"],
    ["on jan 15 at 6pm", "2027-01-15T18:00"],
    ["on 15th january 2027 18:00", "2027-01-15T18:00"],
    ["on 20 jun 9:30", "2026-06-20T09:30"],
    ["on 1 june 10:00", "2027-06-01T10:00"], // already past this year: next year's
    ["friday 19:00", "2026-06-12T19:00"],
    ["on friday at 7pm", "2026-06-12T19:00"],
    ["next friday 19:00", "2026-06-12T19:00"],
    ["wednesday 18:00", "2026-06-10T18:00"], // today, still ahead
    ["wed 11:00", "2026-06-17T11:00"], // today's has passed
    ["next wednesday 18:00", "2026-06-17T18:00"], // "next" is never today
  ])("%s is %s", (phrase, iso) => {
    expect(parseWhen(words(phrase), { now, timeZone: zone })).toEqual({ ok: true, scheduleDate: local(iso) });
  });

  it.each([
    ["in 3 weeks", 21 * 86_400],
    ["in 2 days", 2 * 86_400],
    ["in 2d", 2 * 86_400],
    ["in 1w", 7 * 86_400],
  ])("%s is %i s ahead", (phrase, seconds) => {
    expect(parseWhen(words(phrase), { now, timeZone: zone })).toEqual({
      ok: true,
      scheduleDate: now / 1000 + seconds,
    });
  });

  it.each([
    ["on 31 feb 18:00", "malformed-time"],
    ["on 15 jan", "malformed-time"],
    ["next friday", "malformed-time"],
    ["on 15 jan 2025 18:00", "time-in-past"],
    ["on 15 jan 2028 18:00", "time-too-far"],
  ])("%s is refused: %s", (phrase, kind) => {
    expect(parseWhen(words(phrase), { now, timeZone: zone })).toMatchObject({ ok: false, error: { kind } });
  });
});

describe("/newcall with a far time and a set end", () => {
  it.each([
    ["/newcall Town hall on 15 jan 18:00", { title: "Town hall", scheduleDate: local("2027-01-15T18:00") }],
    [
      "/newcall Offsite next friday 10:00 autostart",
      { title: "Offsite", scheduleDate: local("2026-06-12T10:00") },
    ],
    ["/newcall Sprint review in 3 weeks", { title: "Sprint review", scheduleDate: now / 1000 + 21 * 86_400 }],
    ["/newcall Talk on AI", { title: "Talk on AI", scheduleDate: undefined }],
    ["/newcall Standup in 1h for 30m", { title: "Standup", endAt: now / 1000 + 5400 }],
    ["/newcall Standup for 30m in 1h", { title: "Standup", endAt: now / 1000 + 5400 }],
    [
      "/newcall Standup for 1 h 30 min",
      { title: "Standup", scheduleDate: undefined, endAt: now / 1000 + 5400 },
    ],
    ["/newcall Retro at 18:00 until 19:30", { title: "Retro", endAt: local("2026-06-10T19:30") }],
    ["/newcall Late at 23:00 until 1:00", { title: "Late", endAt: local("2026-06-11T01:00") }],
    ["/newcall Review tomorrow 18:00 until 7pm", { title: "Review", endAt: local("2026-06-11T19:00") }],
    ["/newcall Talk for kids at 18:00", { title: "Talk for kids", endAt: undefined }],
  ])("%s", (text, expected) => {
    const parsed = parseNewCallCommand(text, group);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.command).toMatchObject(expected);
  });

  it.each([
    ["/newcall Standup in 1h for 0m", "malformed-end", 'I could not read the end "for 0m"'],
    ["/newcall Day on 15 jan 9:00 until 15 jan", "malformed-end", "until tomorrow 10:00"],
    ["/newcall Standup at 18:00 until 17:00 today", "malformed-end", "for 30m"],
    ["/newcall Standup at 18:00 until 25:00", "malformed-end", "until 19:30"],
    ["/newcall Standup in 1h for 30m until 19:00", "several-ends", "only one end"],
    ["/newcall Standup every monday 18:00 for 30m", "end-with-recurrence", "single call only"],
    ["/newcall Standup in 1h for 9 days", "end-too-long", "more than 7 days"],
  ])("%s is refused (%s) with what to write", (text, kind, words) => {
    const parsed = parseNewCallCommand(text, group);
    expect(parsed).toMatchObject({ ok: false, error: { kind } });
    if (!parsed.ok) expect(describeParseError(parsed.error, { timeZone: zone })).toContain(words);
  });
});
