import { parseTelegramErrorName } from "@callbot/shared";
import type { Job } from "bullmq";
import type { Logger } from "pino";
import { reporterForJob } from "../results/outcome-reporter.ts";
import type { ResultsPublisher } from "../results/results-publisher.ts";
import { wasReported } from "./handle-call-error.ts";
import { failureCategory } from "./read-telegram-failure.ts";

/** BullMQ's reason for a job whose worker died more often than maxStalledCount allows. */
const STALLED_REASON = "job stalled more than allowable limit";

export interface ReportFinalFailureDeps {
  publisher: ResultsPublisher;
  logger: Logger;
  now: () => number;
}

/**
 * A Worker "failed" listener for the failures the processor could not report itself: above
 * all a job whose worker died twice while running it (BullMQ fails it as stalled when a worker
 * next picks it up), so the requester hears "interrupted" instead of nothing. Failures the
 * processor already reported, and attempts that will be retried, are left alone. Works for
 * create-call and call-action jobs; a recurring rule's tick has nobody to tell and is logged.
 */
export function reportFinalFailure(
  deps: ReportFinalFailureDeps,
): (job: Job | undefined, error: Error) => void {
  return (job, error) => {
    if (!job || wasReported(error) || !job.finishedOn) return;
    const report = reporterForJob(job, deps);
    if (!report) {
      deps.logger.error({ jobId: job.id, job: job.name, reason: error.message }, "a job failed for good");
      return;
    }
    const stalled = error.message === STALLED_REASON;
    const errorName = stalled ? "STALLED" : parseTelegramErrorName(error.message).name;
    const category = stalled ? "retry" : failureCategory({ errorName });
    deps.logger.warn(
      { jobId: job.id, errorName, category },
      "reporting a job that failed outside the processor",
    );
    report
      .failed({ errorName, category })
      .catch((publishError: unknown) =>
        deps.logger.error({ err: publishError, jobId: job.id }, "could not report a failed job"),
      );
  };
}
