import { createHash } from "node:crypto";

/** The contract's limit on requestId (CreateCallRequestSchema). */
const MAX_REQUEST_ID_LENGTH = 200;

/**
 * The requestId (and create-call job id) of one occurrence of a rule. The same rule and
 * occurrence always give the same id, so a scheduler that fires twice, or a retried
 * recurring-occurrence job, adds the job once, and its random_id (randomIdFromKey) is the same,
 * so Telegram would not create the call twice either. A rule id too long to fit is replaced by
 * its hash. No ':' (BullMQ custom ids).
 *
 * @example recurringRequestId("weekly-sync", 1798650000) // "recurring_weekly-sync_1798650000"
 */
export function recurringRequestId(ruleId: string, occurrenceUnixSeconds: number): string {
  const id = `recurring_${ruleId}_${occurrenceUnixSeconds}`;
  if (id.length <= MAX_REQUEST_ID_LENGTH) return id;
  const hashed = createHash("sha256").update(ruleId).digest("hex").slice(0, 32);
  return `recurring_h${hashed}_${occurrenceUnixSeconds}`;
}
