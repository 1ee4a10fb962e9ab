import { setTimeout as sleep } from "node:timers/promises";
import { type CallsQueue, withDeadline } from "@callbot/shared";

/** One look-up may take this long before it counts as "Redis did not answer" and is tried again. */
const LOOKUP_MS = 1_000;
/** Pause between look-ups while Redis does not answer (a failover takes seconds). */
const RETRY_MS = 250;

/**
 * What is true about a job whose add ended unclearly:
 * - "queued": Redis has the job (or the add itself answered after all);
 * - "absent": Redis answered, and it has no such job;
 * - "unknown": Redis did not answer within the time given.
 */
export type JobPresence = "queued" | "absent" | "unknown";

/**
 * Asks Redis whether the job `jobId` exists, again and again until Redis answers or `withinMs`
 * has passed. For an add that failed with a lost connection or during a failover: Redis may have
 * applied it (and passed it to the replica that is master now) with only its answer lost. The job
 * id is the request id, so the job's presence is the truth. `adding` is the add itself, still
 * pending perhaps: if it answers meanwhile, that settles it.
 */
export async function lookForJob(
  queue: Pick<CallsQueue, "getJob">,
  jobId: string,
  options: { withinMs: number; adding?: Promise<unknown> },
): Promise<JobPresence> {
  const deadline = Date.now() + options.withinMs;
  let added = false;
  options.adding?.then(
    () => {
      added = true;
    },
    () => undefined,
  );
  while (!added) {
    const left = deadline - Date.now();
    if (left <= 0) return "unknown";
    try {
      const job = await withDeadline(queue.getJob(jobId), Math.min(LOOKUP_MS, left), "the job look-up");
      return job || added ? "queued" : "absent";
    } catch {
      // Not back yet (a producer connection fails at once while it reconnects): ask again.
      await sleep(Math.max(0, Math.min(RETRY_MS, deadline - Date.now())));
    }
  }
  return "queued";
}
