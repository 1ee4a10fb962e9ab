import type { World } from "../world/world.ts";
import { BOT_API_RIGHTS } from "./admin-rights-mapping.ts";

/** KeyboardButtonRequestChat, the fields the sandbox enforces (core.telegram.org/bots/api#keyboardbuttonrequestchat). */
export interface RequestChat {
  request_id: number;
  chat_is_channel: boolean;
  chat_is_created?: boolean;
  chat_has_username?: boolean;
  user_administrator_rights?: Record<string, boolean>;
  /** Not enforced: Telegram grants the bot these rights "if appropriate" rather than hiding the chat. */
  bot_administrator_rights?: Record<string, boolean>;
  bot_is_member?: boolean;
  request_title?: boolean;
  request_username?: boolean;
}

/** The request_chat buttons of a reply keyboard (ReplyKeyboardMarkup.keyboard). */
export function requestChatButtons(markup: unknown): Array<{ text: string; request: RequestChat }> {
  const keyboard = (markup as { keyboard?: unknown } | undefined)?.keyboard;
  if (!Array.isArray(keyboard)) return [];
  return keyboard
    .flat()
    .flatMap((button: { text?: string; request_chat?: RequestChat }) =>
      typeof button?.request_chat?.request_id === "number"
        ? [{ text: button.text ?? "", request: button.request_chat }]
        : [],
    );
}

/**
 * Why Telegram's picker would not list `chatId` for this button, or undefined when it would.
 * The picker only shows chats matching every criterion; a chat outside them cannot be shared.
 */
export function whyNotPickable(
  world: World,
  request: RequestChat,
  userId: number,
  chatId: number,
): string | undefined {
  const chat = world.chatByBotApiId(chatId);
  if (!chat) return `chat ${chatId} is not in this world`;
  if (!world.isMember(chat.id, userId)) return `user ${userId} is not a member of chat ${chatId}`;
  if ((chat.type === "channel") !== request.chat_is_channel) {
    return `the button asks for ${request.chat_is_channel ? "a channel" : "a group"}; chat ${chatId} is a ${chat.type}`;
  }
  const role = world.memberRole(chat.id, userId);
  if (request.chat_is_created === true && role?.status !== "owner") {
    return `the button asks for a chat the user owns; user ${userId} does not own chat ${chatId}`;
  }
  if (
    request.chat_has_username !== undefined &&
    (chat.username !== undefined) !== request.chat_has_username
  ) {
    return `the button asks for a chat ${request.chat_has_username ? "with" : "without"} a username`;
  }
  const userLacks = missingRights(world, chat.id, userId, request.user_administrator_rights);
  if (userLacks) return `user ${userId} lacks ${userLacks} in chat ${chatId}`;
  if (request.bot_is_member === true && !world.isMember(chat.id, world.bot.id)) {
    return `the bot is not a member of chat ${chatId}`;
  }
  return undefined;
}

/** The requested admin rights `userId` does not hold (the owner holds them all), or undefined. */
function missingRights(
  world: World,
  chatNativeId: number,
  userId: number,
  wanted: Record<string, boolean> | undefined,
): string | undefined {
  if (wanted === undefined) return undefined;
  const role = world.memberRole(chatNativeId, userId);
  if (role?.status === "owner") return undefined;
  if (role?.status !== "admin") return "admin rights (not an admin)";
  const missing = BOT_API_RIGHTS.filter(
    ([name, right]) => wanted[name] === true && name !== "can_manage_chat" && role.rights[right] !== true,
  ).map(([name]) => name);
  return missing.length > 0 ? missing.join(", ") : undefined;
}
