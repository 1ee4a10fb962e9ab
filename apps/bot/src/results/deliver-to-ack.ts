import type { CreateCallRequest } from "@callbot/shared";
import type { Api } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import type { FollowChatMigration } from "../chats/follow-chat-migration.ts";
import { movedToChat } from "../chats/move-queued-jobs.ts";
import {
  isBotNotInChat,
  isChatNotFound,
  isMessageNotModified,
  isMessageToEditGone,
  isPrivateChatClosed,
  migratedTo,
} from "../telegram/bot-api-errors.ts";

export type Delivery = "edited" | "sent-anew" | "sent-privately" | "undeliverable";

/**
 * Puts a report where the requester is looking: an edit of the "queued" message. An edit to the
 * same text (a redelivered result) is already done; when the message was deleted, a new message
 * is sent, as a reply to the command when it is in the same chat. When the bot can no longer
 * write in that chat (removed from the group meanwhile), the report goes to the requester's
 * private chat; if that is closed too, there is nobody left to tell, and retrying would not help.
 * When the group was upgraded to a supergroup meanwhile, the report is sent anew there.
 */
export async function deliverToAck(
  api: Api,
  request: CreateCallRequest,
  text: string,
  followMigration?: FollowChatMigration,
  /** Buttons under the report (Replace it / Keep it); every later edit without them removes them. */
  keyboard?: InlineKeyboardMarkup,
): Promise<Delivery> {
  try {
    return await deliverOnce(api, request, text, keyboard);
  } catch (error) {
    // The group became a supergroup: callbot follows it there, and the report goes there too.
    const newChatId = migratedTo(error);
    const oldChatId = request.ack?.chatId ?? request.requester.chatId;
    if (newChatId === undefined || oldChatId === newChatId) throw error;
    await followMigration?.(oldChatId, newChatId);
    return deliverOnce(api, movedToChat(request, oldChatId, newChatId), text, keyboard);
  }
}

async function deliverOnce(
  api: Api,
  request: CreateCallRequest,
  text: string,
  keyboard: InlineKeyboardMarkup | undefined,
): Promise<Delivery> {
  const markup = keyboard ? { reply_markup: keyboard } : {};
  // Requests a recurring rule creates have no "queued" message: their report is a new message.
  const ack = request.ack;
  if (ack === undefined) {
    try {
      await api.sendMessage(request.requester.chatId, text, {
        link_preview_options: { is_disabled: true },
        ...markup,
      });
      return "sent-anew";
    } catch (error) {
      if (isPrivateChatClosed(error) || isBotNotInChat(error) || isChatNotFound(error))
        return "undeliverable";
      throw error;
    }
  }
  try {
    await api.editMessageText(ack.chatId, ack.messageId, text, {
      link_preview_options: { is_disabled: true },
      ...markup,
    });
    return "edited";
  } catch (error) {
    if (isMessageNotModified(error)) return "edited";
    if (isMessageToEditGone(error)) {
      const commandId = request.requester.messageId;
      const sameChat = request.requester.chatId === ack.chatId && commandId !== undefined;
      await api.sendMessage(ack.chatId, text, {
        link_preview_options: { is_disabled: true },
        ...markup,
        ...(sameChat && {
          reply_parameters: { message_id: commandId, allow_sending_without_reply: true },
        }),
      });
      return "sent-anew";
    }
    const ackIsPrivate = ack.chatId === request.requester.userId;
    if (ackIsPrivate || !(isBotNotInChat(error) || isChatNotFound(error))) throw error;
    try {
      await api.sendMessage(request.requester.userId, text, {
        link_preview_options: { is_disabled: true },
        ...markup,
      });
      return "sent-privately";
    } catch (privateError) {
      if (isPrivateChatClosed(privateError)) return "undeliverable";
      throw privateError;
    }
  }
}
