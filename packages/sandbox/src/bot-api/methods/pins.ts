import type { BotApiMethod } from "../bot-api-context.ts";
import { badRequest } from "../bot-api-error.ts";
import { botHas, botRightsIn } from "../bot-rights.ts";
import { assertBotInChat, botApiIdOfTarget, resolveChatTarget } from "../chat-access.ts";

/** Telegram's answer when the bot may not pin (teloxide/teloxide-core#82 quotes it). */
const NO_PIN_RIGHTS = "not enough rights to manage pinned messages in the chat";

/**
 * pinChatMessage (api:#pinchatmessage): "the bot must be an administrator in the chat … and must
 * have the 'can_pin_messages' administrator right in a supergroup or 'can_edit_messages'
 * administrator right in a channel". A private chat needs no right. The pinned message is kept
 * on the chat (one at a time is enough for the product, which pins its own announcement).
 */
export const pinChatMessage: BotApiMethod = ({ world }, { params }) => {
  const target = resolveChatTarget(world, params.chatId());
  const chatId = botApiIdOfTarget(world, target);
  const messageId = params.int("message_id", "message identifier is not specified");
  if (target.kind === "chat") {
    const chat = target.chat;
    assertBotInChat(world, chat);
    const allowed =
      chat.type === "channel"
        ? botHas(world, chat, "editMessages")
        : chat.type === "supergroup"
          ? botHas(world, chat, "pinMessages")
          : botRightsIn(world, chat) !== undefined;
    if (!allowed) throw badRequest(NO_PIN_RIGHTS);
  }
  if (!world.getMessage(chatId, messageId)) throw badRequest("message to pin not found");
  world.pinMessage(chatId, messageId);
  return true;
};
