import { nextOccurrence as nextOccurrenceSeconds, schedulerPatternFor } from "@callbot/shared";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { describeParseError } from "../src/newcall/describe-parse-error.ts";
import { type NewCallParseContext, parseNewCallCommand } from "../src/newcall/parse-new-call-command.ts";
import { describeRecurrence } from "../src/recurring/describe-recurring-rule.ts";

const zone = "Europe/Berlin";
const now = DateTime.fromISO("2026-06-10T12:00:00", { zone }).toMillis(); // a Wednesday
const group: NewCallParseContext = {
  chatType: "supergroup",
  botUsername: "callbot_sandbox_bot",
  now,
  timeZone: zone,
};
const local = (iso: string) => Math.floor(DateTime.fromISO(iso, { zone }).toMillis() / 1000);
const ALL = [1, 2, 3, 4, 5, 6, 7];
/** The shared helper (packages/shared/src/recurring) answers in unix seconds; these tests read ms. */
const nextOccurrence = (rule: Parameters<typeof nextOccurrenceSeconds>[0], afterMs: number) =>
  nextOccurrenceSeconds(rule, afterMs) * 1000;

function command(text: string) {
  const result = parseNewCallCommand(text, group);
  if (!result.ok) throw new Error(`expected ${text} to parse, got ${JSON.stringify(result.error)}`);
  return result.command;
}
function error(text: string) {
  const result = parseNewCallCommand(text, group);
  if (result.ok) throw new Error(`expected ${text} to be refused, got ${JSON.stringify(result.command)}`);
  return result.error;
}

describe("autostart in /newcall", () => {
  it.each([
    ["/newcall Sync at 18:00 autostart", "Sync", local("2026-06-10T18:00")],
    ["/newcall Sync autostart at 18:00", "Sync", local("2026-06-10T18:00")],
    ["/newcall Sync tomorrow 9:00 --autostart rtmp", "Sync", local("2026-06-11T09:00")],
  ])("%s sets autostart", (text, title, scheduleDate) => {
    expect(command(text)).toMatchObject({ title, scheduleDate, autostart: true });
  });

  it("without the word, autostart is left to the chat's default (undefined)", () => {
    expect(command("/newcall Sync at 18:00").autostart).toBeUndefined();
  });

  it("a call that starts now cannot auto-start, and the message says why", () => {
    expect(error("/newcall Sync autostart")).toEqual({ kind: "autostart-needs-time" });
    expect(describeParseError({ kind: "autostart-needs-time" }, { timeZone: zone })).toContain(
      "needs a time",
    );
  });

  it("a quoted title keeps the word", () => {
    expect(command('/newcall "Autostart demo" in 1h')).toMatchObject({
      title: "Autostart demo",
      autostart: undefined,
    });
  });
});

describe("every … in /newcall", () => {
  it.each([
    ["/newcall Weekly sync every monday 18:00", "Weekly sync", [1], 18, 0],
    ["/newcall Standup every mon,thu 09:30", "Standup", [1, 4], 9, 30],
    ["/newcall Standup every mon, thu and fri at 6 pm", "Standup", [1, 4, 5], 18, 0],
    ["/newcall Daily every day 18:00", "Daily", ALL, 18, 0],
    ["/newcall Work every weekday 9:00", "Work", [1, 2, 3, 4, 5], 9, 0],
    ["/newcall every weekend at noon", undefined, [6, 7], 12, 0],
    ["/newcall Sync every Sundays 7pm", "Sync", [7], 19, 0],
  ])("%s", (text, title, weekdays, hour, minute) => {
    const parsed = command(text);
    expect(parsed.title).toBe(title);
    expect(parsed.scheduleDate).toBeUndefined();
    expect(parsed.recurrence).toEqual({ weekdays, hour, minute });
  });

  it("takes autostart and rtmp in any order around it", () => {
    expect(command("/newcall Show every friday 20:00 autostart rtmp")).toMatchObject({
      title: "Show",
      rtmp: true,
      autostart: true,
      recurrence: { weekdays: [5], hour: 20, minute: 0 },
    });
    expect(command("/newcall Show rtmp every friday 20:00 autostart")).toMatchObject({
      rtmp: true,
      autostart: true,
    });
  });

  it("in the private chat, after the chat", () => {
    const result = parseNewCallCommand("/newcall @demo_community Sync every tue 08:00", {
      ...group,
      chatType: "private",
    });
    expect(result).toMatchObject({
      ok: true,
      command: { target: { kind: "username", username: "demo_community" }, recurrence: { weekdays: [2] } },
    });
  });

  it("titles that only start like a recurrence stay titles", () => {
    expect(command("/newcall Every day counts at 18:00")).toMatchObject({
      title: "Every day counts",
      scheduleDate: local("2026-06-10T18:00"),
      recurrence: undefined,
    });
    expect(command("/newcall Every day counts").title).toBe("Every day counts");
  });

  it.each([
    ["/newcall Sync every monday", "recurrence-needs-time"],
    ["/newcall Sync every funday 18:00", "malformed-recurrence"],
    ["/newcall Sync every mon, fridy 18:00", "malformed-recurrence"],
    ["/newcall Sync every monday 25:00", "malformed-recurrence"],
    ["/newcall Sync every monday 18:00 at 19:00", "several-times"],
    ["/newcall Sync at 19:00 every monday 18:00", "several-times"],
  ])("%s is refused (%s) with a message that shows the forms", (text, kind) => {
    const refused = error(text);
    expect(refused.kind).toBe(kind);
    expect(describeParseError(refused, { timeZone: zone })).toMatch(/every monday 18:00/);
  });
});

describe("recurring times across daylight-saving changes", () => {
  const sundays = { weekdays: [7], hour: 18, minute: 0, timeZone: zone };

  it("every sunday 18:00 in Europe/Berlin stays at 18:00 local around the last Sunday of March", () => {
    const first = nextOccurrence(sundays, Date.parse("2026-03-20T00:00:00Z"));
    const second = nextOccurrence(sundays, first);
    const third = nextOccurrence(sundays, second);
    expect(new Date(first).toISOString()).toBe("2026-03-22T17:00:00.000Z"); // UTC+1
    expect(new Date(second).toISOString()).toBe("2026-03-29T16:00:00.000Z"); // UTC+2 from that day
    expect(new Date(third).toISOString()).toBe("2026-04-05T16:00:00.000Z");
    for (const at of [first, second, third]) {
      expect(DateTime.fromMillis(at, { zone }).toFormat("ccc HH:mm")).toBe("Sun 18:00");
    }
    expect(second - first).toBe(7 * 24 * 3_600_000 - 3_600_000); // the week is an hour short
  });

  it("… and around the last Sunday of October", () => {
    const first = nextOccurrence(sundays, Date.parse("2026-10-20T00:00:00Z"));
    const second = nextOccurrence(sundays, first);
    expect(new Date(first).toISOString()).toBe("2026-10-25T17:00:00.000Z"); // the change is at 03:00 that morning
    expect(new Date(second).toISOString()).toBe("2026-11-01T17:00:00.000Z");
    expect(DateTime.fromMillis(Date.parse("2026-10-18T16:00:00Z"), { zone }).toFormat("HH:mm")).toBe("18:00");
    expect(nextOccurrence(sundays, Date.parse("2026-10-12T00:00:00Z"))).toBe(
      Date.parse("2026-10-18T16:00:00Z"),
    );
  });

  it("a time inside the spring-forward gap happens at the first valid time after it", () => {
    const early = { weekdays: [7], hour: 2, minute: 30, timeZone: zone };
    const at = nextOccurrence(early, Date.parse("2026-03-28T12:00:00Z"));
    expect(DateTime.fromMillis(at, { zone }).toFormat("yyyy-MM-dd HH:mm")).toBe("2026-03-29 03:30");
  });

  it("the same instant is never returned twice, and today's time counts when still ahead", () => {
    const daily = { weekdays: ALL, hour: 18, minute: 0, timeZone: zone };
    const today = nextOccurrence(daily, now);
    expect(today).toBe(local("2026-06-10T18:00") * 1000);
    expect(nextOccurrence(daily, today)).toBe(local("2026-06-11T18:00") * 1000);
  });
});

describe("schedulerPatternFor", () => {
  it.each([
    [{ weekdays: [1], hour: 18, minute: 0, leadHours: 24 }, "0 18 * * 0"],
    [{ weekdays: [1, 4], hour: 9, minute: 30, leadHours: 24 }, "30 9 * * 0,3"],
    [{ weekdays: [7], hour: 18, minute: 0, leadHours: 24 }, "0 18 * * 6"],
    [{ weekdays: ALL, hour: 3, minute: 15, leadHours: 5 }, "15 22 * * 0,1,2,3,4,5,6"],
    [{ weekdays: [3], hour: 12, minute: 0, leadHours: 168 }, "0 12 * * 3"],
  ])("%j fires at %s (cron, in the rule's zone)", (rule, pattern) => {
    expect(schedulerPatternFor({ ...rule, timeZone: zone })).toEqual({ pattern, tz: zone });
  });
});

describe("describeRecurrence", () => {
  it.each([
    [[1], 18, 0, "every Monday at 18:00 (Europe/Berlin)"],
    [[1, 4], 9, 30, "every Monday and Thursday at 09:30 (Europe/Berlin)"],
    [[1, 3, 5], 9, 0, "every Monday, Wednesday and Friday at 09:00 (Europe/Berlin)"],
    [ALL, 18, 0, "every day at 18:00 (Europe/Berlin)"],
    [[1, 2, 3, 4, 5], 9, 0, "every weekday (Monday to Friday) at 09:00 (Europe/Berlin)"],
  ])("%j %i:%i", (weekdays, hour, minute, text) => {
    expect(describeRecurrence({ weekdays, hour, minute, timeZone: zone })).toBe(text);
  });
});
