import { JobEnvelopeSchema, type JobTooNew } from "@callbot/shared";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import type { ResultsPublisher } from "../results/results-publisher.ts";
import { markReported } from "./handle-call-error.ts";

export interface RefuseNewerJobDeps {
  publisher: ResultsPublisher;
  logger: Logger;
  now: () => number;
}

/**
 * A job a newer bot queued (a higher version, or a job name this worker does not know) during
 * an upgrade done bot first. Nothing of it runs: the requester and the operators are told why
 * (a job-refused result; the bot words it), and the job fails for good (UnrecoverableError: no
 * retry loop) while its data stays in the failed set, for BullMQ's removeOnFail age (7 days).
 */
export async function refuseNewerJob(job: Job, tooNew: JobTooNew, deps: RefuseNewerJobDeps): Promise<never> {
  const envelope = JobEnvelopeSchema.parse(job.data);
  const what =
    tooNew.reason === "newer-version"
      ? `version ${tooNew.jobVersion} of a ${tooNew.kind} job, and this worker reads up to version ${tooNew.supportedVersion}`
      : `a "${job.name}" job (${tooNew.kind}, version ${tooNew.jobVersion}), a kind this worker does not know`;
  const message =
    `refused ${what}: the bot that queued it is newer than this worker. Upgrade the worker ` +
    "(README, Production: upgrades); the job stays in the failed set with its data.";
  deps.logger.error({ jobId: job.id, name: job.name, ...tooNew }, message);
  const jobId = job.id ?? "";
  if (envelope.requester !== undefined) {
    await deps.publisher.publish(
      {
        v: 1,
        kind: "job-refused",
        jobId,
        jobName: job.name,
        job: envelope,
        ...(tooNew.reason === "newer-version" && { supportedVersion: tooNew.supportedVersion }),
        at: deps.now(),
      },
      // BullMQ custom ids may not contain ':' (a scheduler's tick id does).
      `refused_${jobId.replaceAll(":", "_")}`,
    );
  }
  throw markReported(new UnrecoverableError(message));
}
