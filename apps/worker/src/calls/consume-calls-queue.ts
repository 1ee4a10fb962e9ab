import { CALLS_QUEUE_JOBS, observeJobDurations, QUEUE_NAMES } from "@callbot/shared";
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ResultsPublisher } from "../results/results-publisher.ts";
import { reportFinalFailure } from "./report-final-failure.ts";
import type { CallsJobProcessor } from "./route-calls-job.ts";

export interface ConsumeCallsQueueOptions {
  /** The shared intake (QUEUE_NAMES.calls) or this account's own queue (accountCallsQueueName). @defaultValue QUEUE_NAMES.calls */
  queueName?: string;
  connection: Redis;
  prefix: string;
  process: CallsJobProcessor;
  concurrency: number;
  lockDurationMs: number;
  /** Where a job that failed for good (or stalled twice) is reported to its requester. */
  publisher: ResultsPublisher;
  /** Where job durations are observed (/metrics). */
  registry: Registry;
  logger: Logger;
  now: () => number;
}

export interface CallsQueueConsumer {
  worker: Worker;
  /**
   * Puts jobs that did not finish in time back on the queue, so that another worker (or this
   * one after a restart) runs them again at once, with the same random_id, rather than after
   * their lock lapses. Not an attempt used: it is moved back as if never started.
   */
  handBack(): Promise<void>;
  /** Jobs being run now: this account's "current work" in the registry. */
  running(): number;
}

/** The BullMQ worker on the calls queue, keeping the jobs in flight with their lock tokens for handBack(). */
export function consumeCallsQueue(options: ConsumeCallsQueueOptions): CallsQueueConsumer {
  const { logger } = options;
  const active = new Map<string, { job: Job; token: string | undefined }>();
  const worker = new Worker(
    options.queueName ?? QUEUE_NAMES.calls,
    async (job, token) => {
      active.set(job.id ?? "", { job, token });
      try {
        return await options.process(job, token);
      } finally {
        active.delete(job.id ?? "");
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      // A job whose worker died twice fails as stalled (and reportFinalFailure tells the requester).
      maxStalledCount: 1,
      // BullMQ honours a manual rate limit (queue.rateLimit, used for FLOOD_WAIT) only when a
      // limiter is configured; this one is far above anything the account will see.
      limiter: { max: 1_000, duration: 1_000 },
    },
  );
  worker.on("failed", reportFinalFailure({ publisher: options.publisher, logger, now: options.now }));
  observeJobDurations({
    registry: options.registry,
    queue: "calls",
    worker,
    knownNames: Object.keys(CALLS_QUEUE_JOBS),
  });
  worker.on("error", (error) => logger.error({ err: error }, "BullMQ worker error"));

  const handBack = async () => {
    for (const [jobId, { job, token }] of active) {
      if (token === undefined) continue;
      await job.moveToWait(token).then(
        () => logger.warn({ jobId }, "handed an unfinished job back to the queue"),
        (error: unknown) =>
          logger.warn({ err: error, jobId }, "could not hand a job back; its lock will lapse"),
      );
    }
  };
  return { worker, handBack, running: () => active.size };
}
