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

/** Job names on the calls queue. */
export const CALL_JOB_NAMES = {
  createCall: "create-call",
  /** start, end, rename, rotate key, invite link, RTMP credentials of an existing call. */
  callAction: "call-action",
  /** Fired by a recurring rule's job scheduler: create the next occurrence. */
  recurringOccurrence: "recurring-occurrence",
  /** /setup: the assistant account joins a chat (JoinChatRequest). */
  joinChat: "join-chat",
} as const;
