import {
  addCallsJob,
  CALL_JOB_NAMES,
  type CallsQueue,
  type CreateCallRequest,
  DeadlineError,
  withDeadline,
} from "@callbot/shared";
import type { Job } from "bullmq";
import type { Logger } from "pino";

export type QueueOutcome = { queued: true } | { queued: false; error: unknown };

/**
 * Adds a create-call job, or says within `timeoutMs` that it could not.
 *
 * The producer's Redis connection fails fast (no offline queue), so an add normally rejects at
 * once when Redis is down. The timeout covers what that cannot: a connection still being
 * established, or a Redis that accepted the socket but does not answer. Because the user is then
 * told "nothing was queued", an add that completes after the timeout is undone, so no job
 * appears later by surprise.
 */
export async function queueCallRequest(
  queue: CallsQueue,
  request: CreateCallRequest,
  options: {
    timeoutMs: number;
    logger: Logger;
    /**
     * A late job could not be undone: a worker had already taken it, so the call may still be
     * created after the user was told it was not queued. Say so (the result edits the answer later).
     */
    onLateJobKept?: () => Promise<void>;
  },
): Promise<QueueOutcome> {
  const adding = addCallsJob(queue, CALL_JOB_NAMES.createCall, request);
  try {
    await withDeadline(adding, options.timeoutMs, "the calls queue");
    return { queued: true };
  } catch (error) {
    if (!(error instanceof DeadlineError)) return { queued: false, error };
    adding.then(
      async (job) => {
        options.logger.warn(
          { requestId: request.requestId },
          "queue add finished after its timeout; removing the job",
        );
        if ((await withdrawLateJob(job, options.logger)) === "kept") await options.onLateJobKept?.();
      },
      () => undefined,
    );
    return { queued: false, error: new Error(`queue add did not finish within ${options.timeoutMs} ms`) };
  }
}

/**
 * Removes a job whose add finished after the user was told "nothing was queued". A job a worker
 * has already taken is locked and cannot be removed: "kept" means it runs after all.
 */
export async function withdrawLateJob(job: Job, logger: Logger): Promise<"withdrawn" | "kept"> {
  try {
    await job.remove();
    return "withdrawn";
  } catch (error) {
    const state = await job.getState().catch(() => "unknown");
    if (state === "unknown") return "withdrawn"; // gone after all
    logger.error(
      { err: error, requestId: job.id, state },
      "a late job could not be removed: a worker had already taken it",
    );
    return "kept";
  }
}
