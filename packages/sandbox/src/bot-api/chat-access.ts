import type { WorldChat, WorldUser } from "../world/types.ts";
import type { World } from "../world/world.ts";
import { BotApiError, badRequest, forbidden } from "./bot-api-error.ts";

export type ChatTarget = { kind: "private"; user: WorldUser } | { kind: "chat"; chat: WorldChat };

/** Resolves chat_id (number or "@username") as the bot sees it; unknown -> 400 "chat not found". */
export function resolveChatTarget(world: World, chatId: number | string): ChatTarget {
  if (typeof chatId === "string") {
    const resolved = world.resolveUsername(chatId);
    if (resolved?.kind === "chat") return { kind: "chat", chat: resolved.chat };
    throw badRequest("chat not found");
  }
  if (chatId > 0) {
    const user = world.getUser(chatId);
    if (!user || user.id === world.bot.id) throw badRequest("chat not found");
    return { kind: "private", user };
  }
  const chat = world.chatByBotApiId(chatId);
  if (!chat) throw badRequest("chat not found");
  // A private chat the bot never belonged to does not exist for it.
  if (!chat.username && world.memberRole(chat.id, world.bot.id) === undefined)
    throw badRequest("chat not found");
  // An upgraded basic group answers every method with the supergroup's id (TwiN/gatus#179).
  const supergroup = chat.migratedTo === undefined ? undefined : world.getChat(chat.migratedTo);
  if (supergroup) {
    throw new BotApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", {
      migrate_to_chat_id: world.botApiIdOf(supergroup),
    });
  }
  return { kind: "chat", chat };
}

export function botApiIdOfTarget(world: World, target: ChatTarget): number {
  return target.kind === "private" ? target.user.id : world.botApiIdOf(target.chat);
}

/** The chat kind as Telegram names it in "bot is not a member of the <kind> chat". */
function chatKindName(chat: WorldChat): string {
  return chat.type === "group" ? "group" : chat.type === "channel" ? "channel" : "supergroup";
}

/** Refuses with Telegram's 403s when the bot may not read or act in the chat. */
export function assertBotInChat(world: World, chat: WorldChat): void {
  const role = world.memberRole(chat.id, world.bot.id);
  if (role?.status === "banned") throw forbidden(`bot was kicked from the ${chatKindName(chat)} chat`);
  if (!world.isMember(chat.id, world.bot.id))
    throw forbidden(`bot is not a member of the ${chatKindName(chat)} chat`);
}

/** The checks sendMessage makes before writing into a chat. */
export function assertBotMayWrite(world: World, target: ChatTarget): void {
  if (target.kind === "private") {
    if (target.user.isBot) throw forbidden("bot can't send messages to bots");
    if (world.hasBlockedBot(target.user.id)) throw forbidden("bot was blocked by the user");
    if (!world.hasStartedBot(target.user.id)) throw forbidden("bot can't initiate conversation with a user");
    return;
  }
  assertBotInChat(world, target.chat);
  if (target.chat.type === "channel") {
    const role = world.memberRole(target.chat.id, world.bot.id);
    const mayPost =
      role?.status === "owner" || (role?.status === "admin" && role.rights.postMessages === true);
    if (!mayPost) throw badRequest("need administrator rights in the channel chat");
  }
}
