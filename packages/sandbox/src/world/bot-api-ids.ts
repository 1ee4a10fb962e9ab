import type { ChatType } from "./types.ts";

/** Telegram's Bot API prefixes supergroup and channel ids with -100, i.e. subtracts 1e12. */
const CHANNEL_ID_OFFSET = 1_000_000_000_000;

/** The Bot API chat id of a chat with this native id. */
export function botApiChatId(chat: { id: number; type: ChatType }): number {
  return chat.type === "group" ? -chat.id : -(CHANNEL_ID_OFFSET + chat.id);
}

/** Which native chat a negative Bot API id points at (a positive id is a private chat). */
export function nativeChatRef(botApiId: number): { kind: "group" | "channel"; id: number } | undefined {
  if (botApiId >= 0) return undefined;
  const abs = -botApiId;
  return abs > CHANNEL_ID_OFFSET
    ? { kind: "channel", id: abs - CHANNEL_ID_OFFSET }
    : { kind: "group", id: abs };
}
