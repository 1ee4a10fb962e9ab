import { waitFor } from "./wait-for.ts";

/** The part of a BullMQ queue this helper reads; any Queue fits. */
interface JobReader<J extends { finishedOn?: number }> {
  getJob(jobId: string): Promise<J | undefined>;
}

/**
 * A job once BullMQ has finished it (completed or failed). A worker's outcome (a result job, a
 * chat message) goes out before BullMQ moves the job on, so attemptsMade or the state read right
 * after the outcome can still be the running attempt's.
 */
export function finishedJob<J extends { finishedOn?: number }>(
  queue: JobReader<J>,
  jobId: string,
  timeoutMs = 10_000,
): Promise<J> {
  return waitFor(
    async () => {
      const job = await queue.getJob(jobId);
      return job?.finishedOn ? job : undefined;
    },
    `job ${jobId} to finish`,
    timeoutMs,
  );
}
