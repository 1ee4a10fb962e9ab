/**
 * Redis keys of the calls registry, under the deployment's prefix. Every key has a TTL (see
 * entryTtlSeconds and INDEX_TTL_SECONDS), and the per-chat and chat indexes are trimmed, so the
 * registry stays bounded however many calls come and go.
 */
export function registryKeys(prefix: string) {
  const base = `${prefix}:bot:calls`;
  return {
    /** Counter for short registry ids. */
    sequence: `${base}:seq`,
    /** JSON of one CallEntry. */
    entry: (id: string) => `${base}:entry:${id}`,
    /** Sorted set of a chat's entry ids, by last change. */
    chat: (chatId: number) => `${base}:chat:${chatId}`,
    /** Sorted set of chat ids with entries, by last change: the chats callbot serves. */
    chats: `${base}:chats`,
    /** Entry id of a create-call request. */
    byRequest: (requestId: string) => `${base}:req:${requestId}`,
    /** Entry id of a Telegram call. */
    byCall: (callId: string) => `${base}:call:${callId}`,
    /** What a /calls message shows, so that a result can redraw it. */
    view: (chatId: number, messageId: number) => `${base}:view:${chatId}:${messageId}`,
    /** A chat's saved view keys, newest first, trimmed so a chat keeps only a few. */
    views: (chatId: number) => `${base}:views:${chatId}`,
    /** A button press being handled: a second press of the same button within seconds is dropped. */
    press: (action: string, entryId: string) => `${base}:press:${action}:${entryId}`,
    /** A Replace it / Keep it question: the request and the chat's call it would replace. */
    replaceOffer: (token: string) => `${base}:replace:${token}`,
  };
}

export type RegistryKeys = ReturnType<typeof registryKeys>;
