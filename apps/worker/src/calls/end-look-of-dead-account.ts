import { readCallsJob } from "@callbot/shared";
import type { Job } from "bullmq";
import type { RecordingLookouts } from "./recording-lookouts.ts";

/**
 * A look for a recording that waits in the queue of an account whose session died: it can never
 * read that Saved Messages, so it counts as a look that found nothing. While another account
 * forwards the recording or still looks for it, the job is removed without a word (true); were
 * it reported as failed, its result would stand for the stop, and the other account's "now in
 * «chat»" would be dropped as a repeat. When it was the last one looking (or the only one), it
 * is left to the usual report of waiting work (false).
 */
export async function endLookOfDeadAccount(job: Job, lookouts: RecordingLookouts): Promise<boolean> {
  const { job: parsed } = readCallsJob(job);
  if (parsed?.name !== "call-action" || parsed.data.action !== "forward-recording") return false;
  if (!(await lookouts.othersCarryOn(parsed.data.requestId))) return false;
  return job.remove().then(
    () => true,
    () => false,
  );
}
