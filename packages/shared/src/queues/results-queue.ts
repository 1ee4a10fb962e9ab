import { type Queue, UnrecoverableError } from "bullmq";
import { resultTooNew } from "../contract/job-versions.ts";
import { type ResultsMessage, ResultsMessageSchema } from "../contract/results-message.ts";
import { RESULT_JOB_DEFAULTS } from "./call-job-options.ts";
import { describeIssues } from "./describe-issues.ts";

/** The results queue (worker -> bot); job names are the messages' kinds. */
export type ResultsQueue = Queue<ResultsMessage>;

/**
 * Puts a message for the bot on the results queue: validated against ResultsMessageSchema, named
 * by its kind, with RESULT_JOB_DEFAULTS. BullMQ ignores an add whose job id exists, so a retried
 * job that publishes again under the same id does not report twice.
 * Rejects (and adds nothing) when the message does not fit: that is a bug in the producer.
 */
export async function addResult(
  queue: ResultsQueue,
  message: ResultsMessage,
  jobId: string,
  /** A delayed message (the bot's own notices): delivered this many ms from now. */
  options: { delay?: number } = {},
): Promise<void> {
  const parsed = ResultsMessageSchema.safeParse(message);
  if (!parsed.success) {
    throw new Error(`invalid ${message.kind} result, not published: ${describeIssues(parsed.error)}`);
  }
  await queue.add(parsed.data.kind, parsed.data, { ...RESULT_JOB_DEFAULTS, jobId, ...options });
}

/**
 * The message a results-queue job carries. One that does not fit the contract fails for good
 * with the reason (UnrecoverableError: no retry can make it fit), and is never half-delivered.
 */
export function parseResultsJob(job: { data: unknown }): ResultsMessage {
  const parsed = ResultsMessageSchema.safeParse(job.data);
  if (!parsed.success) {
    // A newer worker's message (an upgrade done worker first that changed a format): the reason
    // names the upgrade that is missing; the job stays in the failed set with its data.
    const tooNew = resultTooNew(job.data);
    throw new UnrecoverableError(
      tooNew ?? `invalid results message, not delivered: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}
