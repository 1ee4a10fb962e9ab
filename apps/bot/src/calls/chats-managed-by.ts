import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Authorise } from "../auth/authorise-requester.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";
import { isBotNotInChat, isChatNotFound } from "../telegram/bot-api-errors.ts";

/** Chats whose cached administrator lists are read in one Redis round trip. */
const PAGE = 50;

/** Who may manage calls in a chat, as getChatAdministrators said: enough to pick candidates. */
interface ChatManager {
  userId: number;
  owner: boolean;
  canManageVideoChats: boolean;
}

export interface ChatsManagedByDeps {
  api: Api;
  redis: Redis;
  keys: BotKeys;
  ownerIds: readonly number[];
  authorise: Authorise;
  /** How long a chat's administrator list is trusted for listing. */
  chatCacheSeconds: number;
}

/**
 * The chats among `candidates` (every chat callbot serves) that the user may manage, for a
 * private /calls: all of them, page by page, not a window of the most recently active ones.
 *
 * Each chat's administrator list is cached and shared by every user, so listing costs at most
 * one getChatAdministrators per chat per cache period, whoever asks and however often, instead
 * of one getChatMember per chat per user. Only chats where the user is the owner or an admin
 * with the video-chat right are then confirmed with the authoriser, the one rule for rights.
 */
export async function chatsManagedBy(
  userId: number,
  candidates: readonly number[],
  deps: ChatsManagedByDeps,
): Promise<number[]> {
  if (deps.ownerIds.includes(userId)) return [...candidates];
  const managed: number[] = [];
  for (let start = 0; start < candidates.length; start += PAGE) {
    const page = candidates.slice(start, start + PAGE);
    const cached = await deps.redis.mget(page.map((chatId) => deps.keys.chatAdmins(chatId)));
    for (const [i, chatId] of page.entries()) {
      const key = deps.keys.chatAdmins(chatId);
      const managers =
        parseStoredJson<ChatManager[]>(cached[i] ?? null, { key }) ?? (await loadManagers(chatId, deps));
      const listed = managers.find((m) => m.userId === userId);
      if (!listed || !(listed.owner || listed.canManageVideoChats)) continue;
      const rights = await deps.authorise({ chatId, userId, rtmp: false });
      if (rights.ok) managed.push(chatId);
    }
  }
  return managed;
}

async function loadManagers(chatId: number, deps: ChatsManagedByDeps): Promise<ChatManager[]> {
  let managers: ChatManager[];
  try {
    const admins = await deps.api.getChatAdministrators(chatId);
    managers = admins.map((admin) => ({
      userId: admin.user.id,
      owner: admin.status === "creator",
      canManageVideoChats: admin.status === "administrator" && admin.can_manage_video_chats,
    }));
  } catch (error) {
    // The bot was removed (or the chat is gone): nobody can be checked there, which is worth remembering.
    if (!isBotNotInChat(error) && !isChatNotFound(error)) throw error;
    managers = [];
  }
  await deps.redis.set(deps.keys.chatAdmins(chatId), JSON.stringify(managers), "EX", deps.chatCacheSeconds);
  return managers;
}
