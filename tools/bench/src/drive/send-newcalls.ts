import { performance } from "node:perf_hooks";
import type { Sandbox } from "@callbot/sandbox";
import type { BenchSeat } from "../world/bench-world.ts";
import type { NewCallTracker, TrackedRequest } from "./newcall-tracker.ts";

export interface DriveResult {
  requests: TrackedRequest[];
  /** performance.now() of the first and the last send. */
  firstSentAt: number;
  lastSentAt: number;
}

/** A plain /newcall from the chat's owner in that chat: a video chat that starts now. */
async function sendNewCall(
  sandbox: Sandbox,
  tracker: NewCallTracker,
  seat: BenchSeat,
): Promise<TrackedRequest> {
  const sentAt = performance.now();
  const message = await sandbox.sendText({ from: seat.ownerId, chatId: seat.chatId, text: "/newcall" });
  return tracker.track(seat, sentAt, message.id);
}

/**
 * Open loop at a fixed offered rate: request i goes out at start + i/rate whatever the answers
 * do, so a slow pipeline shows up as latency rather than as a lower offered rate. The timer
 * sends every request that is due, so a late timer catches up instead of drifting.
 */
export async function driveAtFixedRate(
  sandbox: Sandbox,
  tracker: NewCallTracker,
  seats: readonly BenchSeat[],
  ratePerSecond: number,
): Promise<DriveResult> {
  const requests: TrackedRequest[] = [];
  const intervalMs = 1000 / ratePerSecond;
  const start = performance.now();
  while (requests.length < seats.length) {
    const due = Math.min(seats.length, Math.floor((performance.now() - start) / intervalMs) + 1);
    while (requests.length < due) requests.push(await sendNewCall(sandbox, tracker, seats[requests.length]!));
    if (requests.length === seats.length) break;
    const nextAt = start + requests.length * intervalMs;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextAt - performance.now())));
  }
  return summarise(requests);
}

/**
 * As fast as the pipeline answers: a new request goes out whenever fewer than `maxInFlight`
 * are waiting for their final edit (bounded, so a stalled pipeline cannot make the bench pile
 * up unbounded work and call it throughput).
 */
export async function driveAtMaxRate(
  sandbox: Sandbox,
  tracker: NewCallTracker,
  seats: readonly BenchSeat[],
  maxInFlight: number,
): Promise<DriveResult> {
  const requests: TrackedRequest[] = [];
  for (const seat of seats) {
    await tracker.waitForRoom(maxInFlight);
    requests.push(await sendNewCall(sandbox, tracker, seat));
  }
  return summarise(requests);
}

function summarise(requests: TrackedRequest[]): DriveResult {
  return {
    requests,
    firstSentAt: requests[0]?.sentAt ?? performance.now(),
    lastSentAt: requests.at(-1)?.sentAt ?? performance.now(),
  };
}
