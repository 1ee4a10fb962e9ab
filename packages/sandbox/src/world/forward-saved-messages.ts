import { botApiChatId } from "./bot-api-ids.ts";
import { isPresentMember } from "./group-call-rules.ts";
import { TelegramRpcError, type WorldMessage } from "./types.ts";
import type { World } from "./world.ts";

/**
 * messages.forwardMessages from an account's Saved Messages into a group, supergroup or channel
 * (how the assistant hands a call recording on). Errors as ct:method/messages.forwardMessages
 * lists them: a message id that is not there 400 MESSAGE_ID_INVALID; a private chat the account
 * is not in 400 CHANNEL_PRIVATE; banned 400 USER_BANNED_IN_CHANNEL; a public chat it is not in,
 * or restricted, 403 CHAT_WRITE_FORBIDDEN; a channel where it may not post 400
 * CHAT_ADMIN_REQUIRED. In a channel the copy is posted as the channel. Each copy keeps the
 * document and names the original sender and date (fwd_from / forward_origin).
 */
export function forwardSavedMessages(
  world: World,
  accountId: number,
  messageIds: number[],
  chatNativeId: number,
  now: number,
): WorldMessage[] {
  const chat = world.getChat(chatNativeId);
  if (!chat) throw new TelegramRpcError(400, "PEER_ID_INVALID");
  const originals = messageIds.map((id) => {
    const message = world.saved.get(accountId, id);
    if (!message) throw new TelegramRpcError(400, "MESSAGE_ID_INVALID");
    return message;
  });
  const role = world.memberRole(chat.id, accountId);
  if (role?.status === "banned") throw new TelegramRpcError(400, "USER_BANNED_IN_CHANNEL");
  if (!isPresentMember(role)) {
    throw chat.username
      ? new TelegramRpcError(403, "CHAT_WRITE_FORBIDDEN")
      : new TelegramRpcError(400, "CHANNEL_PRIVATE");
  }
  if (role?.status === "restricted") throw new TelegramRpcError(403, "CHAT_WRITE_FORBIDDEN");
  const asChannel = chat.type === "channel";
  if (asChannel && role?.status !== "owner" && !(role?.status === "admin" && role.rights.postMessages)) {
    throw new TelegramRpcError(400, "CHAT_ADMIN_REQUIRED");
  }
  const chatId = botApiChatId(chat);
  return originals.map((original) =>
    world.postMessage({
      chatId,
      fromUserId: accountId,
      ...(asChannel && { senderChatId: chatId }),
      ...(original.text !== undefined && { text: original.text }),
      ...(original.document !== undefined && { document: original.document }),
      forwardedFrom: original.forwardedFrom ?? {
        userId: original.fromUserId ?? accountId,
        date: original.date,
      },
      date: Math.floor(now / 1000),
    }),
  );
}
