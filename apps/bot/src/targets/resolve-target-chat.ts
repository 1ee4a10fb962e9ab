import type { TargetChat } from "@callbot/shared";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { ChatRef } from "../newcall/parse-chat-ref.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { cachedJson } from "../redis/cached-json.ts";
import { isBotNotInChat, isChatNotFound } from "../telegram/bot-api-errors.ts";

export interface ResolvedChat extends TargetChat {
  type: "group" | "supergroup" | "channel" | "private";
  /** Whether the bot itself is in the chat (always true for a chat the command was sent in). */
  botIsMember: boolean;
}

export type ResolveTargetResult =
  | { ok: true; chat: ResolvedChat }
  | { ok: false; reason: "not-found" | "bot-not-in-chat" | "not-a-group"; given: string };

export interface ResolveTargetDeps {
  api: Api;
  redis: Redis;
  keys: BotKeys;
  botId: number;
  /** How long a looked-up chat is remembered; titles, usernames and the bot's membership change rarely. */
  ttlSeconds: number;
}

/**
 * Turns a chat named in a private /newcall into the chat's id and title, cached in Redis.
 * On a cache miss: getChat, then getChatMember for the bot itself, because Telegram shows public
 * chats to any bot but answers getChatMember about other users reliably only to a bot inside the
 * chat (an admin); a rights check from outside is not worth trusting, so such a chat is refused
 * with how to add the bot. Failures are answers for the user, not exceptions.
 */
export async function resolveTargetChat(
  ref: Exclude<ChatRef, { kind: "here" }>,
  deps: ResolveTargetDeps,
): Promise<ResolveTargetResult> {
  const given = ref.kind === "username" ? `@${ref.username}` : String(ref.chatId);
  const cacheKey = deps.keys.chat(ref.kind === "username" ? `@${ref.username.toLowerCase()}` : given);
  let failure: "not-found" | "bot-not-in-chat" | undefined;
  const chat = await cachedJson<ResolvedChat>(deps.redis, cacheKey, deps.ttlSeconds, async () => {
    try {
      const info = await deps.api.getChat(ref.kind === "username" ? `@${ref.username}` : ref.chatId);
      const chat = {
        chatId: info.id,
        title: info.type === "private" ? info.first_name : info.title,
        type: info.type,
        ...(info.username !== undefined && { username: info.username }),
      };
      if (info.type === "private") return { ...chat, botIsMember: false };
      const me = await deps.api.getChatMember(info.id, deps.botId);
      return { ...chat, botIsMember: me.status !== "left" && me.status !== "kicked" };
    } catch (error) {
      if (isChatNotFound(error)) failure = "not-found";
      else if (isBotNotInChat(error)) failure = "bot-not-in-chat";
      else throw error;
      return undefined;
    }
  });
  if (!chat) return { ok: false, reason: failure ?? "not-found", given };
  if (chat.type === "private") return { ok: false, reason: "not-a-group", given };
  if (!chat.botIsMember) return { ok: false, reason: "bot-not-in-chat", given: chat.title };
  return { ok: true, chat };
}
