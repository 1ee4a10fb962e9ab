import { DelayedError, type Job } from "bullmq";
import { GrammyError, HttpError } from "grammy";

/**
 * Longest pause between tries while the Bot API cannot be reached: reports resume within this
 * long of its return, however long the outage was.
 */
const MAX_UNREACHABLE_PAUSE_MS = 5_000;
const FIRST_UNREACHABLE_PAUSE_MS = 500;

/**
 * How long to put a result aside when its delivery failed because Telegram asked to wait (429,
 * its retry_after, however long) or could not be reached (doubling to MAX_UNREACHABLE_PAUSE_MS);
 * undefined for any other failure, which spends one of the job's attempts as usual.
 */
export function deliveryPauseMs(error: unknown, pausedBefore: number): number | undefined {
  if (error instanceof GrammyError && error.error_code === 429) {
    return Math.max(1, error.parameters.retry_after ?? 1) * 1_000;
  }
  if (error instanceof HttpError) {
    return Math.min(MAX_UNREACHABLE_PAUSE_MS, FIRST_UNREACHABLE_PAUSE_MS * 2 ** Math.min(pausedBefore, 10));
  }
  return undefined;
}

/** How many times this job was put aside already (each start that neither failed nor completed). */
export function timesPaused(job: Job): number {
  return Math.max(0, job.attemptsStarted - job.attemptsMade - 1);
}

/**
 * Moves the running job back to "delayed" for `ms` without spending an attempt (BullMQ's
 * moveToDelayed + DelayedError), so a long wait or an outage never uses up the result's retries
 * and the report is never dropped for it.
 */
export async function postponeDelivery(job: Job, token: string, ms: number): Promise<never> {
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}
