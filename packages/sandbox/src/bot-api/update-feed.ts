import type { WorldMessage } from "../world/types.ts";
import type { World } from "../world/world.ts";
import { toBotApiMessage } from "./bot-api-shapes.ts";
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
  const onLoaded = () => queue.dropAll();
  world.on("message", onMessage);
  world.on("loaded", onLoaded);
  return () => {
    world.off("message", onMessage);
    world.off("loaded", onLoaded);
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
