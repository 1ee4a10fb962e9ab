import type { CreateCallRequest } from "@callbot/shared";
import type { Api } from "grammy";
import { isMessageNotModified, isMessageToEditGone } from "../telegram/bot-api-errors.ts";

/**
 * Puts a report where the requester is looking: an edit of the "queued" message. An edit to the
 * same text (a redelivered result) is already done; when the message was deleted, a new message
 * is sent, as a reply to the command when it is in the same chat.
 */
export async function deliverToAck(api: Api, request: CreateCallRequest, text: string): Promise<void> {
  try {
    await api.editMessageText(request.ack.chatId, request.ack.messageId, text, {
      link_preview_options: { is_disabled: true },
    });
  } catch (error) {
    if (isMessageNotModified(error)) return;
    if (!isMessageToEditGone(error)) throw error;
    const sameChat = request.requester.chatId === request.ack.chatId;
    await api.sendMessage(request.ack.chatId, text, {
      link_preview_options: { is_disabled: true },
      ...(sameChat && {
        reply_parameters: { message_id: request.requester.messageId, allow_sending_without_reply: true },
      }),
    });
  }
}
