import type { CallsQueue } from "@callbot/shared";
import type { Job, JobsOptions } from "bullmq";

/**
 * Adds `job` to another account's queue as the same request: its name, data, options and job id
 * (BullMQ ignores an add whose id exists there, so moving twice adds once), a delayed job with
 * what is left of its delay, and its progress, which says whether createGroupCall was already
 * sent for it (create-group-call.ts): the account that takes it over then reads the chat's call
 * first and reports the call the first account made, rather than create a second one.
 */
export async function copyJobTo(job: Job, queue: CallsQueue, now: number): Promise<void> {
  // A job scheduler's key belongs to the queue that fired it, not to the copy.
  const { repeatJobKey: _key, delay, ...opts } = job.opts as JobsOptions & { repeatJobKey?: string };
  const leftMs = delay !== undefined && delay > 0 ? job.timestamp + delay - now : 0;
  const copy = await queue.add(job.name, job.data, {
    ...opts,
    ...(job.id !== undefined && { jobId: job.id }),
    ...(leftMs > 0 && { delay: leftMs }),
  });
  if (typeof job.progress === "object" && job.progress !== null) await copy.updateProgress(job.progress);
}
