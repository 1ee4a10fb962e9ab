import { type CreateCallRequest, type RecurringRule, recurringRequestId } from "@callbot/shared";

/**
 * The create-call request for one occurrence of a rule, as if its requester had asked for it:
 * a scheduled call at the occurrence. Its requestId (and so its job id and random_id) depends on
 * the rule and the occurrence only, so however often the rule fires, Telegram gets one request.
 * There is no command message and no "queued" answer to edit: the bot recognises the request by
 * `recurrence` and reports in a new message to requester.chatId.
 */
export function occurrenceRequest(rule: RecurringRule, occurrence: number, nowMs: number): CreateCallRequest {
  return {
    v: 1,
    kind: "create-call",
    requestId: recurringRequestId(rule.ruleId, occurrence),
    requester: { userId: rule.requester.userId, chatId: rule.requester.chatId },
    target: rule.target,
    ...(rule.title !== undefined ? { title: rule.title } : {}),
    scheduleDate: occurrence,
    rtmp: rule.rtmp,
    autostart: rule.autostart,
    recurrence: { ruleId: rule.ruleId, occurrence },
    timeZone: rule.timeZone,
    requestedAt: nowMs,
  };
}
