import type { Job, Worker } from "bullmq";
import { Histogram, type Registry } from "prom-client";

/**
 * From 10 ms (a result edited into a reply) to 2 minutes (a create-call job waiting out a
 * flood wait of its own): the range a calls or results job actually takes.
 */
const DURATION_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** How an attempt ended: done, failed for good, or failed and tried again later. */
export type JobAttemptOutcome = "completed" | "failed" | "retried";

const METRIC_NAME = "callbot_job_duration_seconds";

/** True when a failed attempt is the job's last: no attempts left, or failed as unrecoverable. */
export function isFinalFailure(job: Pick<Job, "attemptsMade" | "opts">, error: Pick<Error, "name">): boolean {
  return error.name === "UnrecoverableError" || job.attemptsMade >= (job.opts.attempts ?? 1);
}

/**
 * callbot_job_duration_seconds{queue,name,outcome}: how long each attempt at a job ran, from
 * BullMQ's processedOn (taken) to its end, observed by the process that consumes the queue
 * (the worker: calls; the bot: results). Labels are the queue, the job's name and the outcome
 * only: a name outside `knownNames` counts as "other", so job data never becomes a label.
 */
export function observeJobDurations(options: {
  registry: Registry;
  queue: "calls" | "results";
  worker: Pick<Worker, "on">;
  knownNames: readonly string[];
  now?: () => number;
}): void {
  const { registry, queue, worker, knownNames } = options;
  const now = options.now ?? Date.now;
  const histogram =
    (registry.getSingleMetric(METRIC_NAME) as Histogram<"queue" | "name" | "outcome"> | undefined) ??
    new Histogram({
      name: METRIC_NAME,
      help: "How long each attempt at a job ran (taken to done), by queue, job name and outcome (completed, failed, retried)",
      labelNames: ["queue", "name", "outcome"],
      buckets: DURATION_BUCKETS_SECONDS,
      registers: [registry],
    });
  const observe = (job: Job, outcome: JobAttemptOutcome) => {
    if (typeof job.processedOn !== "number") return;
    // A retried attempt has no finishedOn: it ended now, when BullMQ reports it.
    const endedAt = outcome === "retried" ? now() : (job.finishedOn ?? now());
    const name = knownNames.includes(job.name) ? job.name : "other";
    histogram.observe({ queue, name, outcome }, Math.max(0, endedAt - job.processedOn) / 1000);
  };
  worker.on("completed", (job: Job) => observe(job, "completed"));
  worker.on("failed", (job: Job | undefined, error: Error) => {
    if (job === undefined) return;
    observe(job, isFinalFailure(job, error) ? "failed" : "retried");
  });
}
