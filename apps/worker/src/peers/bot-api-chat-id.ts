/** A chat as MTProto names it: a channel/supergroup or a basic group, by native id. */
export type NativeChat = { kind: "channel"; id: number } | { kind: "chat"; id: number };

/** Bot API ids of channels and supergroups are -(1e12 + native id): "-100" followed by the id. */
const CHANNEL_ID_OFFSET = 1_000_000_000_000;

/**
 * Maps a Bot API chat id to the MTProto chat: -100N is channel N, -N is basic group N.
 * Positive ids are users, which cannot hold a group call.
 */
export function nativeChatFromBotApiId(botApiChatId: number): NativeChat {
  if (!Number.isSafeInteger(botApiChatId) || botApiChatId >= 0) {
    throw new RangeError(`not a group or channel id: ${botApiChatId}`);
  }
  if (botApiChatId <= -CHANNEL_ID_OFFSET) return { kind: "channel", id: -botApiChatId - CHANNEL_ID_OFFSET };
  return { kind: "chat", id: -botApiChatId };
}
