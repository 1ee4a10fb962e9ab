import { describe, expect, it } from "vitest";
import { findConflicts } from "../src/calendar/find-conflicts.ts";
import type { CallEntry } from "../src/calls-registry/call-entry.ts";

const NOW = 1_800_000_000;
const HOUR = 3_600;
const ctx = { defaultLengthSeconds: HOUR, nowSeconds: NOW };

function telegramCall(fields: Partial<CallEntry>): CallEntry {
  return {
    id: "c1",
    chatId: 1,
    chatTitle: "Team",
    title: "Planning",
    state: "scheduled",
    rtmp: false,
    autostart: false,
    updatedAt: NOW * 1000,
    ...fields,
  };
}

/** Telegram allows one call per chat, held from the call's creation until it ends. */
describe("findConflicts: which calls a new one would be in the way of", () => {
  it.each([
    [
      "a call scheduled in 2 h, a new one in 1 h for 30 min (before it even starts)",
      telegramCall({ scheduleDate: NOW + 2 * HOUR }),
      NOW + HOUR,
      NOW + HOUR + 1_800,
      true,
    ],
    [
      "a call scheduled in 2 h, a new one in 4 h (after its default length)",
      telegramCall({ scheduleDate: NOW + 2 * HOUR }),
      NOW + 4 * HOUR,
      undefined,
      false,
    ],
    [
      "a live call since 10 min, a new one in 30 min",
      telegramCall({ state: "live", startedAt: NOW - 600 }),
      NOW + 1_800,
      undefined,
      true,
    ],
    [
      "a live call since 10 min, a new one in 2 h",
      telegramCall({ state: "live", startedAt: NOW - 600 }),
      NOW + 2 * HOUR,
      undefined,
      false,
    ],
    [
      "an ended call, a new one now",
      telegramCall({ state: "ended", startedAt: NOW - 600 }),
      NOW + 60,
      undefined,
      false,
    ],
  ])("%s: conflict %s", (_case, current, startsAt, endAt, conflicts) => {
    const found = findConflicts(
      { startsAt, ...(endAt !== undefined && { endAt }) },
      { planned: [], current },
      ctx,
    );
    expect(found.length > 0).toBe(conflicts);
    if (conflicts) expect(found[0]?.title).toBe("Planning");
  });
});
