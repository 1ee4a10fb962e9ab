import { type CreateCallRequest, plannedWithdrawnKey, RECURRING_MIN_AHEAD_SECONDS } from "@callbot/shared";
import { DelayedError, type Job } from "bullmq";
import type { Redis } from "ioredis";

/**
 * How often an occurrence waiting for the chat's other call to end checks again: each check costs
 * two or three Telegram requests, and an occurrence is created up to a day ahead, so a few
 * minutes' delay after the meeting ends costs nobody anything.
 */
export const DEFAULT_RECURRING_RECHECK_MS = 5 * 60_000;

/**
 * Recurring rules and planned calls (the bot's calendar) never replace a call (Telegram allows
 * one per chat, and a create ends the chat's call for everyone). An occurrence or planned call
 * whose chat still has another call waits and checks again; this is how long to wait, or
 * undefined when it is too late: the call must still be RECURRING_MIN_AHEAD_SECONDS ahead when it
 * is created (Telegram wants 10 s), so it is reported (a planned call) or skipped (an occurrence).
 */
export function recurringRecheckDelayMs(
  request: CreateCallRequest,
  nowMs: number,
  recheckMs: number,
): number | undefined {
  const waitsForSlot = request.recurrence !== undefined || request.planned !== undefined;
  if (!waitsForSlot || request.scheduleDate === undefined) return undefined;
  const lastChanceMs = (request.scheduleDate - RECURRING_MIN_AHEAD_SECONDS) * 1000;
  if (nowMs >= lastChanceMs) return undefined;
  return Math.max(1, Math.min(recheckMs, lastChanceMs - nowMs));
}

/**
 * A planned call (the bot's calendar) is queued as soon as it is planned, weeks ahead, and is
 * created in Telegram only from `planned.dueAt` on. Its job wakes at least every `hopMs` and
 * compares with the worker's clock, going back to wait while it is early: so the due time is the
 * clock's, not only the delay computed when the job was added (a corrected clock, or the tests'
 * controllable one, is followed within one hop). Undefined: due now.
 */
export function plannedWaitMs(request: CreateCallRequest, nowMs: number, hopMs: number): number | undefined {
  if (request.planned === undefined || nowMs >= request.planned.dueAt) return undefined;
  return Math.max(1, Math.min(hopMs, request.planned.dueAt - nowMs));
}

/** How often an early planned call's job wakes to look at the clock: no Telegram request, one Redis round trip. */
export const DEFAULT_PLANNED_HOP_MS = 60 * 60_000;

/**
 * The gate of a planned call's job (the bot's calendar), wherever it is taken (the intake, before
 * routing, so it stays where the bot can cancel, rename and move it; and where it runs):
 * "withdrawn" when the bot cancelled or moved it (plannedWithdrawnKey: it creates nothing);
 * while early, it is put back to wait (BullMQ's way: moveToDelayed, then DelayedError, costing no
 * attempt); "go" when it is due (or is not a planned call).
 */
export async function plannedJobGate(
  job: Job,
  token: string | undefined,
  request: CreateCallRequest,
  deps: { now: number; hopMs: number; redis: Redis | undefined; prefix: string },
): Promise<"go" | "withdrawn"> {
  if (request.planned === undefined) return "go";
  if (deps.redis && (await deps.redis.exists(plannedWithdrawnKey(deps.prefix, request.requestId))) === 1)
    return "withdrawn";
  const earlyMs = plannedWaitMs(request, deps.now, deps.hopMs);
  if (earlyMs === undefined || token === undefined) return "go";
  await job.moveToDelayed(Date.now() + earlyMs, token);
  throw new DelayedError();
}
