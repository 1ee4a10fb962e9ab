import type { CreateCallRequest, ExistingCall } from "@callbot/shared";
import { describe, expect, it } from "vitest";
import { isCallOfRequest } from "../src/calls/call-of-request.ts";
import { recurringRecheckDelayMs } from "../src/calls/recurring-wait.ts";

const request = (overrides: Partial<CreateCallRequest> = {}): CreateCallRequest => ({
  v: 1,
  kind: "create-call",
  requestId: "newcall_-1001_5",
  requester: { userId: 1, chatId: -1001 },
  target: { chatId: -1001, title: "Team" },
  rtmp: false,
  timeZone: "Europe/Berlin",
  requestedAt: 1,
  ...overrides,
});
const live = (overrides: Partial<ExistingCall> = {}): ExistingCall => ({
  id: "1",
  accessHash: "2",
  state: "active",
  rtmp: false,
  ...overrides,
});

describe("isCallOfRequest: is the chat's call the one this request made?", () => {
  it.each([
    ["same title, live", request({ title: "Weekly" }), live({ title: "Weekly" }), true],
    ["another title", request({ title: "Weekly" }), live({ title: "Other" }), false],
    ["no title asked, none or the chat's name given", request(), live(), true],
    ["no title asked, another title there", request(), live({ title: "Other" }), false],
    ["a livestream asked, a video chat there", request({ rtmp: true }), live(), false],
    ["live asked, a scheduled call there", request(), live({ state: "scheduled", scheduleDate: 99 }), false],
    [
      "scheduled for the same date",
      request({ scheduleDate: 99 }),
      live({ state: "scheduled", scheduleDate: 99 }),
      true,
    ],
    [
      "scheduled for another date",
      request({ scheduleDate: 99 }),
      live({ state: "scheduled", scheduleDate: 98 }),
      false,
    ],
    ["scheduled, and started meanwhile", request({ scheduleDate: 99 }), live(), true],
  ] as const)("%s", (_name, asked, there, expected) => {
    expect(isCallOfRequest(there, asked)).toBe(expected);
  });
});

describe("recurringRecheckDelayMs: how long an occurrence waits for the chat's other call", () => {
  const occurrence = (scheduleDate: number) =>
    request({ scheduleDate, recurrence: { ruleId: "r", occurrence: scheduleDate } });

  it("waits the re-check interval while the occurrence is far", () => {
    expect(recurringRecheckDelayMs(occurrence(10_000), 0, 300_000)).toBe(300_000);
  });

  it("never waits past the last moment it can still be created 15 s ahead", () => {
    expect(recurringRecheckDelayMs(occurrence(100), 0, 300_000)).toBe(85_000);
  });

  it("is too late (skip) from 15 s before the occurrence on", () => {
    expect(recurringRecheckDelayMs(occurrence(100), 85_000, 300_000)).toBeUndefined();
    expect(recurringRecheckDelayMs(occurrence(100), 99_000, 300_000)).toBeUndefined();
  });

  it("does not apply to a request that is not an occurrence (someone asked: they are asked back)", () => {
    expect(recurringRecheckDelayMs(request({ scheduleDate: 10_000 }), 0, 300_000)).toBeUndefined();
  });
});
