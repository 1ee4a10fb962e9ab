/**
 * The bot's own Redis keys, all under the deployment's prefix (the same prefix BullMQ uses), so
 * that tests with a unique prefix never see each other's state and clean-up is one SCAN.
 */
export function botKeys(prefix: string) {
  const base = `${prefix}:bot`;
  return {
    /** Cached getChatMember answer for a user in a chat. */
    member: (chatId: number, userId: number) => `${base}:member:${chatId}:${userId}`,
    /** Cached administrator list of a chat (who may manage its calls), for a private /calls. */
    chatAdmins: (chatId: number) => `${base}:admins:${chatId}`,
    /** Cached getChat answer, by how the user named the chat. */
    chat: (ref: string) => `${base}:chat:${ref}`,
    /** Set once a command's update has been handled (recurring rules, /rename): a replayed update finds it and stops. */
    claim: (requestId: string) => `${base}:claim:${requestId}`,
    /** The ledger of one /newcall request: its state and, while written ahead, its data (requests/request-ledger.ts). */
    request: (requestId: string) => `${base}:request:${requestId}`,
    /** Requests answered "queued" whose job is not known to exist yet, by time: what the next start re-queues. */
    pendingIndex: `${base}:pending`,
    /** A request written ahead by a release before the request ledger (a plain JSON string); recovered once. */
    legacyPendingRequest: (requestId: string) => `${base}:pending:${requestId}`,
    /** A request for this chat was just accepted: a second one waits for the cooldown. */
    cooldown: (chatId: number) => `${base}:cooldown:${chatId}`,
    /** A request's delivered results: its final report is marked, and the newest wait notice shown. */
    resultOrder: (requestId: string, requestedAt: number) =>
      `${base}:result-order:${requestId}:${requestedAt}`,
    /** Held while one result of a request is being delivered (results of one request in turn). */
    resultDelivery: (requestId: string, requestedAt: number) =>
      `${base}:result-delivery:${requestId}:${requestedAt}`,
    /** /setup: the assistant is being brought into this chat (holds the join's request id). */
    joinPending: (chatId: number) => `${base}:join-pending:${chatId}`,
    /** A user's /newcall counter (one window's TTL). */
    newCallRateLimit: (userId: number) => `${base}:ratelimit:newcall:${userId}`,
    /** Chats the bot has served a request for, by last use (unix ms): the guided flow offers them. */
    knownChats: `${base}:known-chats`,
    /** Each known chat's TargetChat JSON, by chat id. */
    knownChatFacts: `${base}:known-chats:facts`,
    /** Prefix for the per-user counters of every command and press (one window's TTL each). */
    updateRateLimitPrefix: `${base}:ratelimit:updates:`,
  };
}

export type BotKeys = ReturnType<typeof botKeys>;
