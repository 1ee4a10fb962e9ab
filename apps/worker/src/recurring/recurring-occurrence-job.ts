import {
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  MAX_SCHEDULE_AHEAD_SECONDS,
  occurrencesDue,
  RecurringRuleSchema,
} from "@callbot/shared";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import type { AddCallJob } from "../calls/schedule-autostart.ts";
import { occurrenceRequest } from "./occurrence-request.ts";

export interface RecurringOccurrenceJobDeps {
  addCallJob: AddCallJob;
  logger: Logger;
  now: () => number;
}

export interface RecurringOccurrenceSummary {
  /** Unix seconds of the occurrences whose create-call jobs were added (or already existed). */
  occurrences: number[];
}

/**
 * An occurrence's create-call job is kept until the occurrence has surely passed (Telegram's
 * 8-day window and a day more), so that every later fire of the rule finds its id and adds
 * nothing: BullMQ ignores an add whose job id exists.
 */
const OCCURRENCE_JOB_RETENTION_SECONDS = MAX_SCHEDULE_AHEAD_SECONDS + 24 * 60 * 60;

/**
 * The processor for a recurring rule's job scheduler (CALL_JOB_NAMES.recurringOccurrence, data:
 * the RecurringRule). It sends nothing to Telegram itself: for each occurrence due now
 * (occurrencesDue: within leadHours, inside Telegram's window) it adds an ordinary create-call
 * job, which then runs the one create-call path with its retries, flood handling, results and
 * auto-start. Firing twice, late, or after a restart is harmless: the job ids repeat.
 */
export function recurringOccurrenceJob(
  deps: RecurringOccurrenceJobDeps,
): (job: Job) => Promise<RecurringOccurrenceSummary> {
  return async (job) => {
    const parsed = RecurringRuleSchema.safeParse(job.data);
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join(".") || "job"}: ${i.message}`).join("; ");
      deps.logger.error({ jobId: job.id, reason }, "invalid recurring rule, not run");
      throw new UnrecoverableError(`invalid recurring rule, not run: ${reason}`);
    }
    const rule = parsed.data;
    const now = deps.now();
    let due: number[];
    try {
      due = occurrencesDue(rule, now);
    } catch (error) {
      // An unknown time zone: no later fire can do better.
      const reason = error instanceof Error ? error.message : String(error);
      deps.logger.error({ jobId: job.id, ruleId: rule.ruleId, reason }, "recurring rule cannot be computed");
      throw new UnrecoverableError(`recurring rule ${rule.ruleId}: ${reason}`);
    }

    for (const occurrence of due) {
      const request = occurrenceRequest(rule, occurrence, now);
      await deps.addCallJob(CALL_JOB_NAMES.createCall, request, {
        ...CALL_JOB_DEFAULTS,
        jobId: request.requestId,
        removeOnComplete: { age: OCCURRENCE_JOB_RETENTION_SECONDS },
        removeOnFail: { age: OCCURRENCE_JOB_RETENTION_SECONDS },
      });
    }
    deps.logger.info({ ruleId: rule.ruleId, occurrences: due }, "recurring rule fired");
    return { occurrences: due };
  };
}
