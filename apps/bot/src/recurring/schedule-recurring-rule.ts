import {
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CreateCallRequest,
  type RecurringRule,
} from "@callbot/shared";
import type { Queue } from "bullmq";
import type { RecurringRulesStore } from "./recurring-rules-store.ts";
import { nextOccurrence } from "./recurring-schedule.ts";

/** The one-off job that creates a rule's first occurrence when it is already inside the lead time. */
export function firstOccurrenceJobId(ruleId: string): string {
  return `${ruleId}_first`;
}

/** Below this, Telegram would refuse the schedule date (10 s) or the call would be late anyway. */
const MIN_FIRST_OCCURRENCE_AHEAD_MS = 60_000;

/**
 * Saves a rule (its job scheduler fires `leadHours` before every occurrence) and returns its next
 * occurrence (unix ms).
 *
 * The scheduler's first firing is the one before the NEXT occurrence that is more than
 * `leadHours` away; an occurrence closer than that (a rule made on Monday 17:00 for "every monday
 * 18:00") would be skipped. For it, one ordinary recurring-occurrence job is added at once, which
 * the worker handles like a firing of the scheduler.
 */
export async function scheduleRecurringRule(
  rule: RecurringRule,
  deps: { store: RecurringRulesStore; callsQueue: Queue<CreateCallRequest>; nowMs: number },
): Promise<{ nextOccurrenceMs: number; firstOccurrenceQueued: boolean }> {
  await deps.store.save(rule);
  const next = nextOccurrence(rule, deps.nowMs);
  const ahead = next - deps.nowMs;
  const insideLead = ahead < rule.leadHours * 3_600_000 && ahead >= MIN_FIRST_OCCURRENCE_AHEAD_MS;
  if (insideLead) {
    // The calls queue carries several job kinds; the worker dispatches on the job name.
    await (deps.callsQueue as unknown as Queue<RecurringRule>).add(CALL_JOB_NAMES.recurringOccurrence, rule, {
      ...CALL_JOB_DEFAULTS,
      jobId: firstOccurrenceJobId(rule.ruleId),
    });
  }
  return { nextOccurrenceMs: next, firstOccurrenceQueued: insideLead };
}
