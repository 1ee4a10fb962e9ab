import {
  addCallsJob,
  CALL_JOB_NAMES,
  type CallsQueue,
  MAX_SCHEDULE_AHEAD_SECONDS,
  occurrencesDue,
  type RecurringRule,
} from "@callbot/shared";
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import { occurrenceRequest } from "./occurrence-request.ts";

export interface RecurringOccurrenceJobDeps {
  /** Where each due occurrence's create-call job is added. */
  callsQueue: CallsQueue;
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
 * Runs a firing of a recurring rule's job scheduler (CALL_JOB_NAMES.recurringOccurrence, data:
 * the RecurringRule, parsed by the worker with parseCallsJob). It sends nothing to Telegram itself: for each occurrence due now
 * (occurrencesDue: within leadHours, inside Telegram's window) it adds an ordinary create-call
 * job, which then runs the one create-call path with its retries, flood handling, results and
 * auto-start. Firing twice, late, or after a restart is harmless: the job ids repeat.
 */
export function recurringOccurrenceJob(
  deps: RecurringOccurrenceJobDeps,
): (job: Job, rule: RecurringRule) => Promise<RecurringOccurrenceSummary> {
  return async (job, rule) => {
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

    for (const [index, occurrence] of due.entries()) {
      const request = occurrenceRequest(rule, occurrence, now);
      await addCallsJob(deps.callsQueue, CALL_JOB_NAMES.createCall, request, {
        removeOnComplete: { age: OCCURRENCE_JOB_RETENTION_SECONDS },
        removeOnFail: { age: OCCURRENCE_JOB_RETENTION_SECONDS },
        ...laterOccurrenceDelay(due[index - 1], now),
      });
    }
    deps.logger.info({ ruleId: rule.ruleId, occurrences: due }, "recurring rule fired");
    return { occurrences: due };
  };
}

/**
 * Several occurrences can be due at one firing (a daily rule made within the hour before its
 * time: today's, and tomorrow's within the lead and its hour of slack). The chat holds one call,
 * so a later occurrence can only be created once the earlier one's call is over; run at once, it
 * could take the chat's turn first and leave the earlier, sooner occurrence waiting behind it. So
 * a later occurrence's job waits until the earlier occurrence's time: nothing is lost (the earlier
 * call is still there then, unless ended early), and it spares the re-checks meanwhile.
 */
function laterOccurrenceDelay(earlier: number | undefined, nowMs: number): { delay?: number } {
  if (earlier === undefined) return {};
  return { delay: Math.max(0, earlier * 1000 - nowMs) };
}
