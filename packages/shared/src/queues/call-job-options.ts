import type { JobsOptions } from "bullmq";

const HOUR_SECONDS = 60 * 60;

/**
 * Default BullMQ options for create-call jobs.
 *
 * - 5 attempts with exponential backoff from 2 s (2, 4, 8, 16 s): rides out a Redis failover, a
 *   worker restart or a brief network fault, and stays well under a minute so that the user
 *   still gets an answer while they wait. Retrying is safe because random_id is derived from
 *   the job id (randomIdFromKey), so Telegram will not create a second call.
 * - Finished jobs are kept for a while (by age and by count, whichever is reached first) so that
 *   a re-delivered command finds its job id and is not queued twice, without Redis growing for ever.
 *   Telegram re-delivers unconfirmed updates for up to 24 hours, hence 48 hours for completed jobs.
 */
export const CALL_JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 48 * HOUR_SECONDS, count: 10_000 },
  removeOnFail: { age: 7 * 24 * HOUR_SECONDS, count: 10_000 },
} as const satisfies JobsOptions;

/**
 * Results are consumed by the bot at once; a short history is enough to debug. A kept job also
 * makes a result the worker publishes again (a re-run job) a no-op, by its id. What it keeps is
 * without secrets: the bot removes stream keys and invite links from a result's data once it is
 * delivered or given up on (apps/bot/src/results/forget-delivered-secrets.ts).
 */
export const RESULT_JOB_DEFAULTS = {
  attempts: 5,
  backoff: { type: "exponential", delay: 1_000 },
  removeOnComplete: { age: HOUR_SECONDS, count: 1_000 },
  removeOnFail: { age: 7 * 24 * HOUR_SECONDS, count: 5_000 },
} as const satisfies JobsOptions;
