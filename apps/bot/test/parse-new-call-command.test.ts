import { MIN_SCHEDULE_AHEAD_SECONDS } from "@callbot/shared";
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { describeParseError } from "../src/newcall/describe-parse-error.ts";
import { type NewCallParseContext, parseNewCallCommand } from "../src/newcall/parse-new-call-command.ts";
import { MAX_PLAN_AHEAD_SECONDS } from "../src/newcall/parse-when.ts";

const zone = "Europe/Berlin";
const now = DateTime.fromISO("2026-06-10T12:00:00", { zone }).toMillis();
const group: NewCallParseContext = {
  chatType: "supergroup",
  botUsername: "callbot_sandbox_bot",
  now,
  timeZone: zone,
};
const dm: NewCallParseContext = { ...group, chatType: "private" };
const local = (iso: string) => Math.floor(DateTime.fromISO(iso, { zone }).toMillis() / 1000);
const inSeconds = (s: number) => now / 1000 + s;

describe("parseNewCallCommand in a group", () => {
  it.each([
    ["/newcall", { title: undefined, scheduleDate: undefined, rtmp: false }],
    ["/newcall Weekly sync", { title: "Weekly sync", scheduleDate: undefined, rtmp: false }],
    ["/newcall@callbot_sandbox_bot Standup", { title: "Standup", scheduleDate: undefined, rtmp: false }],
    ["/newcall@CallBot_Sandbox_Bot Standup", { title: "Standup", scheduleDate: undefined, rtmp: false }],
    [
      "/newcall Weekly sync at 18:00",
      { title: "Weekly sync", scheduleDate: local("2026-06-10T18:00"), rtmp: false },
    ],
    ["/newcall tomorrow 18:30", { title: undefined, scheduleDate: local("2026-06-11T18:30"), rtmp: false }],
    ["/newcall Launch in 2h rtmp", { title: "Launch", scheduleDate: inSeconds(7200), rtmp: true }],
    ["/newcall Launch rtmp in 2h", { title: "Launch", scheduleDate: inSeconds(7200), rtmp: true }],
    ["/newcall Launch LIVESTREAM", { title: "Launch", scheduleDate: undefined, rtmp: true }],
    ["/newcall Launch --rtmp", { title: "Launch", scheduleDate: undefined, rtmp: true }],
    ["/newcall Retro in 1 h 30 min", { title: "Retro", scheduleDate: inSeconds(5400), rtmp: false }],
    ["/newcall Retro in 2 hours", { title: "Retro", scheduleDate: inSeconds(7200), rtmp: false }],
    [
      "/newcall Planning 2026-06-12T09:15",
      { title: "Planning", scheduleDate: local("2026-06-12T09:15"), rtmp: false },
    ],
    [
      "/newcall Planning 2026-06-12 09:15",
      { title: "Planning", scheduleDate: local("2026-06-12T09:15"), rtmp: false },
    ],
    [
      '/newcall "Meet at 18:00 rtmp" in 1h',
      { title: "Meet at 18:00 rtmp", scheduleDate: inSeconds(3600), rtmp: false },
    ],
    ["/newcall “Q&A in 2024” rtmp", { title: "Q&A in 2024", scheduleDate: undefined, rtmp: true }],
    ["/newcall «Встреча»", { title: "Встреча", scheduleDate: undefined, rtmp: false }],
    ["/newcall Party at 5pm", { title: "Party", scheduleDate: local("2026-06-10T17:00"), rtmp: false }],
    ["/newcall Party at 5 pm", { title: "Party", scheduleDate: local("2026-06-10T17:00"), rtmp: false }],
    [
      "/newcall Party tomorrow at 9 am",
      { title: "Party", scheduleDate: local("2026-06-11T09:00"), rtmp: false },
    ],
    ["/newcall Lunch at noon", { title: "Lunch", scheduleDate: local("2026-06-11T12:00"), rtmp: false }],
    ["/newcall Meeting at home", { title: "Meeting at home", scheduleDate: undefined, rtmp: false }],
    ["/newcall Meeting in room 5", { title: "Meeting in room 5", scheduleDate: undefined, rtmp: false }],
    ["/newcall <b>Bold</b> & co", { title: "<b>Bold</b> & co", scheduleDate: undefined, rtmp: false }],
    ["/newcall\nMulti\nline", { title: "Multi line", scheduleDate: undefined, rtmp: false }],
  ])("%j", (text, expected) => {
    expect(parseNewCallCommand(text, group)).toEqual({
      ok: true,
      command: { target: { kind: "here" }, ...expected },
    });
  });

  it.each([
    ["/newcall@someotherbot Standup", "not-for-this-bot"],
    ["/newcallx", "not-a-newcall-command"],
    ["/start", "not-a-newcall-command"],
    ["hello /newcall", "not-a-newcall-command"],
    ["/newcall Standup at 25:00", "malformed-time"],
    ["/newcall Party at 13pm", "malformed-time"],
    ["/newcall Standup tomorrow", "malformed-time"],
    ["/newcall Retro in 2024", "malformed-time"],
    ["/newcall Old 2026-06-01T10:00", "time-in-past"],
    ["/newcall Soon in 5s", "time-too-soon"],
    ["/newcall Far in 53 weeks", "time-too-far"],
    ["/newcall Far 2027-07-01T10:00", "time-too-far"],
    ["/newcall Twice at 10:00 in 2h", "several-times"],
    ["/newcall Standup --loud", "unknown-flag"],
    ["/newcall Standup \u2014loud", "unknown-flag"],
    ['/newcall "Unclosed title', "unclosed-quote"],
    ['/newcall "Title" and more', "words-after-quoted-title"],
    [`/newcall ${"x".repeat(65)}`, "title-too-long"],
    [`/newcall ${"word ".repeat(100)}`, "input-too-long"],
  ])("%j -> %s", (text, kind) => {
    const result = parseNewCallCommand(text, group);
    expect(result).toMatchObject({ ok: false, error: { kind } });
  });
});

describe("parseNewCallCommand in the private chat", () => {
  it.each([
    ["/newcall @demo_community Standup", { kind: "username", username: "demo_community" }, "Standup"],
    ["/newcall t.me/demo_channel", { kind: "username", username: "demo_channel" }, undefined],
    [
      "/newcall https://t.me/demo_channel/42 Launch",
      { kind: "username", username: "demo_channel" },
      "Launch",
    ],
    ["/newcall https://t.me/s/demo_channel Launch", { kind: "username", username: "demo_channel" }, "Launch"],
    ["/newcall https://t.me/c/1500000003/7 Team", { kind: "id", chatId: -1001500000003 }, "Team"],
    ["/newcall -1001500000001 Standup", { kind: "id", chatId: -1001500000001 }, "Standup"],
    ["/newcall -400000001", { kind: "id", chatId: -400000001 }, undefined],
  ])("%j", (text, target, title) => {
    expect(parseNewCallCommand(text, dm)).toEqual({
      ok: true,
      command: { target, title, scheduleDate: undefined, rtmp: false },
    });
  });

  it("time and rtmp after the chat", () => {
    expect(parseNewCallCommand("/newcall @demo_channel Launch tomorrow at 09:00 rtmp", dm)).toEqual({
      ok: true,
      command: {
        target: { kind: "username", username: "demo_channel" },
        title: "Launch",
        scheduleDate: local("2026-06-11T09:00"),
        rtmp: true,
      },
    });
  });

  it.each([
    ["/newcall", "missing-target"],
    ["/newcall Standup", "missing-target"],
    ["/newcall @ab", "invalid-target"],
    ["/newcall 1001", "invalid-target"],
    ["/newcall t.me/+AbCdEf", "invalid-target"],
    ["/newcall https://t.me/joinchat/AbCdEf", "invalid-target"],
    ["/newcall -99999999999999999999", "invalid-target"],
  ])("%j -> %s", (text, kind) => {
    expect(parseNewCallCommand(text, dm)).toMatchObject({ ok: false, error: { kind } });
  });
});

describe("parseNewCallCommand properties", () => {
  const chatTypes = fc.constantFrom("private", "group", "supergroup", "channel") as fc.Arbitrary<
    NewCallParseContext["chatType"]
  >;
  const word = fc.oneof(
    fc.constantFrom(
      "at",
      "in",
      "tomorrow",
      "today",
      "rtmp",
      "livestream",
      "--x",
      "@demo_community",
      '"',
      "«",
    ),
    fc.constantFrom("18:00", "2h", "90m", "1h30m", "2026-06-12T09:15", "25:99", "-1001500000001", "t.me/x"),
    fc.string({ unit: "binary", maxLength: 12 }),
  );
  const commandText = fc.oneof(
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.array(word, { maxLength: 12 }).map((ws) => `/newcall ${ws.join(" ")}`),
    fc
      .tuple(fc.constantFrom("/newcall@callbot_sandbox_bot ", "/newcall@other "), fc.string())
      .map(([a, b]) => a + b),
  );

  it("never throws, every error has a message, and every accepted command is valid", () => {
    fc.assert(
      fc.property(
        commandText,
        chatTypes,
        fc.integer({ min: 0, max: 4_000_000_000_000 }),
        (text, chatType, at) => {
          const ctx = { ...group, chatType, now: at };
          const result = parseNewCallCommand(text, ctx);
          if (!result.ok) {
            expect(describeParseError(result.error, ctx).length).toBeGreaterThan(10);
            return;
          }
          const { command } = result;
          if (command.title !== undefined) {
            expect(command.title.length).toBeGreaterThan(0);
            expect(command.title.length).toBeLessThanOrEqual(64);
            expect(command.title).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
          }
          if (command.scheduleDate !== undefined) {
            expect(Number.isInteger(command.scheduleDate)).toBe(true);
            const ahead = command.scheduleDate - at / 1000;
            expect(ahead).toBeGreaterThanOrEqual(MIN_SCHEDULE_AHEAD_SECONDS);
            expect(ahead).toBeLessThanOrEqual(MAX_PLAN_AHEAD_SECONDS);
          }
          if (chatType === "private") expect(command.target.kind).not.toBe("here");
          else expect(command.target).toEqual({ kind: "here" });
          if (command.target.kind === "id") expect(command.target.chatId).toBeLessThan(0);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
