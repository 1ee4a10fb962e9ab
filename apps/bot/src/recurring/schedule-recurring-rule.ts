import {
  addCallsJob,
  CALL_JOB_NAMES,
  type CallsQueue,
  nextOccurrence,
  occurrencesDue,
  type RecurringRule,
} from "@callbot/shared";
import type { RecurringRulesStore } from "./recurring-rules-store.ts";

/**
 * Saves a rule (its job scheduler fires `leadHours` before every occurrence) and returns its next
 * occurrence (unix seconds).
 *
 * The scheduler's first firing is the one before the first occurrence that is more than
 * `leadHours` away; an occurrence closer than that (a rule made on Monday 17:00 for "every monday
 * 18:00") would be skipped. For it, one ordinary recurring-occurrence job is added at once
 * (its job id: firstOccurrenceJobId). The
 * worker handles it like a firing of the scheduler: it creates what occurrencesDue() finds, the
 * same test used here, and the request id per occurrence keeps a double from creating two calls.
 */
export async function scheduleRecurringRule(
  rule: RecurringRule,
  deps: { store: RecurringRulesStore; callsQueue: CallsQueue; nowMs: number },
): Promise<{ nextOccurrence: number; firstOccurrenceQueued: boolean }> {
  await deps.store.save(rule);
  const due = occurrencesDue(rule, deps.nowMs).length > 0;
  if (due) {
    await addCallsJob(deps.callsQueue, CALL_JOB_NAMES.recurringOccurrence, rule);
  }
  return { nextOccurrence: nextOccurrence(rule, deps.nowMs), firstOccurrenceQueued: due };
}
