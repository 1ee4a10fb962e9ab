/**
 * The idempotency key of a /newcall command, also its BullMQ job id: one command message gives
 * one job, however often Telegram delivers the update (a bot restart re-reads unconfirmed
 * updates), because BullMQ ignores an add whose job id already exists.
 *
 * Why "_" and not ":": BullMQ 6 rejects custom ids containing ":" ("Custom Id cannot contain :",
 * Job#validateOptions) except for a legacy three-part form its authors plan to remove, since
 * ":" separates the parts of its Redis keys. It also rejects ids that parse as integers; the
 * "newcall_" prefix rules that out.
 *
 * @example jobIdForCommand(-1001500000001, 42) // "newcall_-1001500000001_42"
 */
export function jobIdForCommand(chatId: number, messageId: number): string {
  if (!Number.isSafeInteger(chatId) || chatId === 0) {
    throw new RangeError(`jobIdForCommand: chatId must be a non-zero integer, got ${chatId}`);
  }
  if (!Number.isSafeInteger(messageId) || messageId <= 0) {
    throw new RangeError(`jobIdForCommand: messageId must be a positive integer, got ${messageId}`);
  }
  return `newcall_${chatId}_${messageId}`;
}

/**
 * The job id of a call's auto-start (a delayed call-action job on the calls queue): one per
 * call, so a retried create-call job does not add a second one, and the bot can remove it
 * (`calls.remove(autostartJobId(callId))`) when the user cancels the call.
 */
export function autostartJobId(callId: string): string {
  return `autostart_${callId}`;
}

/**
 * The job id of a recurring rule's first occurrence, added at once when the rule is made inside
 * its lead time (the job scheduler would skip it). One per rule, so saving it again adds nothing,
 * and removing the rule can remove it too.
 */
export function firstOccurrenceJobId(ruleId: string): string {
  return `${ruleId}_first`;
}

/**
 * The job id of a call's auto-end (a delayed call-action "end" job on the calls queue, for a call
 * made with a set end): one per call, so a result delivered twice plans it once, and a call ended
 * by hand can remove it.
 */
export function autoendJobId(callId: string): string {
  return `autoend_${callId}`;
}

/**
 * Set by the bot when a planned call is cancelled or moved: its job, wherever it waits (the intake,
 * or an account's queue while it waits for the chat's slot), creates nothing. Lives a year.
 */
export function plannedWithdrawnKey(prefix: string, jobId: string): string {
  return `${prefix}:calendar:withdrawn:${jobId}`;
}

/** The job id of a planned call's create-call job (the bot's calendar): one per plan and time. */
export function plannedJobId(plannedId: string, scheduleDate: number): string {
  return `planned_${plannedId}_${scheduleDate}`;
}
