/**
 * Queue names shared by the bot and the worker. Tests pass a unique BullMQ `prefix`
 * rather than changing these names.
 */
export const QUEUE_NAMES = {
  /** Requests for the userbot: bot -> worker. */
  calls: "callbot-calls",
  /** Outcomes and notices: worker -> bot. */
  results: "callbot-results",
} as const;

/**
 * The calls queue of one assistant account (several-account deployments): the jobs routed to that
 * account, taken by its worker only, so that a flood wait or a dead session there holds nothing
 * else. `-` and not `:`: BullMQ refuses ":" in queue names (it separates the parts of its keys).
 * The shared QUEUE_NAMES.calls stays the intake every worker drains.
 */
export function accountCallsQueueName(accountId: number): string {
  if (!Number.isSafeInteger(accountId) || accountId <= 0) {
    throw new RangeError(`accountCallsQueueName: an account id is a positive integer, got ${accountId}`);
  }
  return `${QUEUE_NAMES.calls}-${accountId}`;
}

/** Job names on the calls queue. */
export const CALL_JOB_NAMES = {
  createCall: "create-call",
  /** start, end, rename, rotate key, invite link, RTMP credentials of an existing call. */
  callAction: "call-action",
  /** Fired by a recurring rule's job scheduler: create the next occurrence. */
  recurringOccurrence: "recurring-occurrence",
  /** /setup: the assistant account joins a chat (JoinChatRequest). */
  joinChat: "join-chat",
  /** A live call is ended once empty for N minutes (EmptyWatchRequest). */
  emptyWatch: "empty-watch",
} as const;
