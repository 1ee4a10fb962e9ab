import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { nextOccurrence } from "../src/recurring/next-occurrence.ts";
import { occurrencesDue, RECURRING_MIN_AHEAD_SECONDS } from "../src/recurring/occurrences-due.ts";
import { recurringRequestId } from "../src/recurring/recurring-request-id.ts";
import { schedulerPatternFor } from "../src/recurring/scheduler-pattern.ts";

const BERLIN = "Europe/Berlin";
const mondays18 = { weekdays: [1], hour: 18, minute: 0, timeZone: BERLIN, leadHours: 24 };

function local(iso: string, zone = BERLIN): DateTime {
  return DateTime.fromISO(iso, { zone });
}
function ms(iso: string, zone = BERLIN): number {
  return local(iso, zone).toMillis();
}
function shown(unixSeconds: number, zone = BERLIN): string {
  return DateTime.fromSeconds(unixSeconds, { zone }).toFormat("ccc yyyy-MM-dd HH:mm ZZ");
}

describe("nextOccurrence", () => {
  it("keeps 18:00 Berlin time across the spring change (last Sunday of March 2026)", () => {
    const before = nextOccurrence(mondays18, ms("2026-03-20T12:00"));
    const after = nextOccurrence(mondays18, before * 1000);
    expect(shown(before)).toBe("Mon 2026-03-23 18:00 +01:00");
    expect(shown(after)).toBe("Mon 2026-03-30 18:00 +02:00");
    // The clocks moved: one week between them is an hour short in absolute time.
    expect(after - before).toBe(7 * 24 * 3600 - 3600);
  });

  it("keeps 18:00 Berlin time across the autumn change (last Sunday of October 2026)", () => {
    const before = nextOccurrence(mondays18, ms("2026-10-20T12:00"));
    const after = nextOccurrence(mondays18, before * 1000);
    expect(shown(before)).toBe("Mon 2026-10-26 18:00 +01:00");
    const sundays = { ...mondays18, weekdays: [7] };
    const saturdayBefore = nextOccurrence(sundays, ms("2026-10-24T12:00"));
    expect(shown(saturdayBefore)).toBe("Sun 2026-10-25 18:00 +01:00");
    expect(shown(nextOccurrence(sundays, ms("2026-03-28T12:00")))).toBe("Sun 2026-03-29 18:00 +02:00");
    expect(shown(after)).toBe("Mon 2026-11-02 18:00 +01:00");
  });

  it("is strictly after the given instant", () => {
    const at = ms("2026-03-23T18:00");
    expect(shown(nextOccurrence(mondays18, at - 1))).toBe("Mon 2026-03-23 18:00 +01:00");
    expect(shown(nextOccurrence(mondays18, at))).toBe("Mon 2026-03-30 18:00 +02:00");
  });

  it("finds the nearest of several weekdays, in the rule's zone rather than UTC", () => {
    const rule = { weekdays: [2, 4], hour: 9, minute: 30, timeZone: "America/New_York" };
    // Tuesday 2026-06-02 23:00 in New York is already Wednesday in UTC.
    const next = nextOccurrence(rule, ms("2026-06-02T23:00", "America/New_York"));
    expect(shown(next, "America/New_York")).toBe("Thu 2026-06-04 09:30 -04:00");
  });

  it("moves a time that does not exist on the spring-forward day to after the gap", () => {
    const rule = { weekdays: [7], hour: 2, minute: 30, timeZone: BERLIN };
    const next = nextOccurrence(rule, ms("2026-03-28T12:00"));
    expect(shown(next)).toBe("Sun 2026-03-29 03:30 +02:00");
  });

  it("refuses an unknown zone", () => {
    expect(() => nextOccurrence({ ...mondays18, timeZone: "Mars/Olympus" }, Date.now())).toThrow(RangeError);
  });
});

describe("occurrencesDue", () => {
  it("finds the occurrence leadHours ahead, with an hour of slack for clock changes", () => {
    const occurrence = ms("2026-03-30T18:00") / 1000;
    // 24 h before in absolute time is Sunday 17:00 local, since the clocks moved in between.
    expect(occurrencesDue(mondays18, ms("2026-03-29T18:00"))).toEqual([occurrence]);
    expect(occurrencesDue(mondays18, ms("2026-03-29T17:00"))).toEqual([occurrence]);
    expect(occurrencesDue(mondays18, ms("2026-03-29T15:59"))).toEqual([]);
  });

  it("skips an occurrence too close to be scheduled", () => {
    const occurrence = ms("2026-03-30T18:00");
    expect(occurrencesDue(mondays18, occurrence - (RECURRING_MIN_AHEAD_SECONDS - 1) * 1000)).toEqual([]);
    expect(occurrencesDue(mondays18, occurrence - (RECURRING_MIN_AHEAD_SECONDS + 1) * 1000)).toEqual([
      occurrence / 1000,
    ]);
  });

  it("never reaches beyond Telegram's 8-day window", () => {
    const daily = { ...mondays18, weekdays: [1, 2, 3, 4, 5, 6, 7], leadHours: 168 };
    const due = occurrencesDue(daily, ms("2026-05-04T17:00"));
    // Monday 18:00 today through Monday 18:00 next week: 168 h plus the hour of slack.
    expect(due).toHaveLength(8);
    expect(Math.max(...due) - ms("2026-05-04T17:00") / 1000).toBeLessThanOrEqual(8 * 24 * 3600);
  });
});

describe("schedulerPatternFor", () => {
  it("fires leadHours before, on the shifted weekday, in the rule's zone", () => {
    expect(schedulerPatternFor(mondays18)).toEqual({ pattern: "0 18 * * 0", tz: BERLIN });
    expect(schedulerPatternFor({ ...mondays18, leadHours: 19 })).toEqual({
      pattern: "0 23 * * 0",
      tz: BERLIN,
    });
    expect(schedulerPatternFor({ ...mondays18, leadHours: 2, minute: 45 })).toEqual({
      pattern: "45 16 * * 1",
      tz: BERLIN,
    });
    expect(schedulerPatternFor({ ...mondays18, leadHours: 168 })).toEqual({
      pattern: "0 18 * * 1",
      tz: BERLIN,
    });
    // Monday and Sunday 01:00, 3 h ahead: Sunday 22:00 and Saturday 22:00.
    expect(schedulerPatternFor({ ...mondays18, weekdays: [1, 7], hour: 1, leadHours: 3 })).toEqual({
      pattern: "0 22 * * 0,6",
      tz: BERLIN,
    });
  });
});

describe("recurringRequestId", () => {
  it("is stable per rule and occurrence, and fits the contract's 200 characters", () => {
    expect(recurringRequestId("weekly", 1_800_000_000)).toBe("recurring_weekly_1800000000");
    const long = "r".repeat(200);
    expect(recurringRequestId(long, 1_800_000_000)).toBe(recurringRequestId(long, 1_800_000_000));
    expect(recurringRequestId(long, 1_800_000_000).length).toBeLessThanOrEqual(200);
    expect(recurringRequestId(long, 1_800_000_000)).not.toBe(recurringRequestId(`${long}x`, 1_800_000_000));
  });
});
