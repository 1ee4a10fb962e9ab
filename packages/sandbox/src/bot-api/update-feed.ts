import type { WorldEvents, WorldMessage } from "../world/types.ts";
import type { World } from "../world/world.ts";
import { toBotApiChat, toBotApiChatMember, toBotApiMessage, toBotApiUser } from "./bot-api-shapes.ts";
import type { UpdateQueue } from "./update-queue.ts";

/**
 * Turns what happens in the world into the updates Telegram would give the bot: messages in its
 * private chats and in chats it belongs to (privacy mode applied for non-admin bots), channel
 * posts, and video_chat_* service messages whatever the privacy mode. Its own messages are not
 * updates. Returns the unsubscribe function.
 */
export function feedWorldUpdates(world: World, queue: UpdateQueue): () => void {
  const onMessage = (message: WorldMessage) => {
    const kind = deliveryKind(world, message);
    if (kind) queue.push({ [kind]: toBotApiMessage(world, message) });
  };
  const onMemberChanged = (change: WorldEvents["memberChanged"][0]) => {
    const update = myChatMemberUpdate(world, change);
    if (update) queue.push({ my_chat_member: update });
  };
  const onLoaded = () => queue.dropAll();
  world.on("message", onMessage);
  world.on("memberChanged", onMemberChanged);
  world.on("loaded", onLoaded);
  return () => {
    world.off("message", onMessage);
    world.off("memberChanged", onMemberChanged);
    world.off("loaded", onLoaded);
  };
}

/**
 * my_chat_member (Bot API ChatMemberUpdated): the bot's own status in a chat changed, e.g. it
 * was added, promoted or removed. Telegram sends it whatever the privacy mode, and it is in the
 * default allowed_updates (unlike chat_member).
 */
function myChatMemberUpdate(
  world: World,
  change: WorldEvents["memberChanged"][0],
): Record<string, unknown> | undefined {
  if (change.userId !== world.bot.id) return undefined;
  const chat = world.getChat(change.chatId);
  const bot = world.getUser(world.bot.id);
  const by = world.getUser(change.byUserId);
  if (!chat || !bot || !by) return undefined;
  return {
    chat: toBotApiChat(world, chat),
    from: toBotApiUser(by),
    date: Math.floor(Date.now() / 1000),
    old_chat_member: toBotApiChatMember(chat, bot, change.previous),
    new_chat_member: toBotApiChatMember(chat, bot, change.role),
  };
}

function deliveryKind(world: World, message: WorldMessage): "message" | "channel_post" | undefined {
  const botId = world.bot.id;
  if (message.fromUserId === botId) return undefined;
  if (message.chatId > 0) return message.fromUserId === message.chatId ? "message" : undefined;
  const chat = world.chatByBotApiId(message.chatId);
  if (!chat) return undefined;
  const role = world.memberRole(chat.id, botId);
  if (!world.isMember(chat.id, botId)) return undefined;
  if (chat.type === "channel") return "channel_post";
  if (role?.status === "admin" || role?.status === "owner") return "message";
  return seenInPrivacyMode(world, message) ? "message" : undefined;
}

/**
 * Privacy mode (on by default, and what the sandbox's bot has): a non-admin bot sees service
 * messages, commands and replies to its own messages, nothing else.
 */
function seenInPrivacyMode(world: World, message: WorldMessage): boolean {
  if (message.service) return true;
  if (message.text?.startsWith("/")) return true;
  if (message.replyToMessageId === undefined) return false;
  return world.getMessage(message.chatId, message.replyToMessageId)?.fromUserId === world.bot.id;
}
