import type { TargetChat } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { BotKeys } from "../redis/bot-keys.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";

/**
 * Chats the bot has served a request for: the guided /newcall offers them (after checking the
 * user's rights in each), so nobody has to type a chat id twice. Kept newest first and trimmed to
 * MAX_KNOWN_CHATS, so it cannot grow without bound. Keys: BotKeys.knownChats, knownChatFacts.
 * A queued /newcall writes its chat from the request ledger's finish (requests/request-ledger.ts).
 */
export interface KnownChats {
  remember(chat: TargetChat, nowMs: number): Promise<void>;
  /** Newest first, at most `limit`. */
  recent(limit: number): Promise<TargetChat[]>;
  /** A basic group became a supergroup: it is known under its new id, in the same place. */
  moveChat(oldChatId: number, newChatId: number): Promise<void>;
}

export const MAX_KNOWN_CHATS = 1_000;

export function knownChats(redis: Redis, keys: Pick<BotKeys, "knownChats" | "knownChatFacts">): KnownChats {
  const order = keys.knownChats;
  const facts = keys.knownChatFacts;
  return {
    async remember(chat, nowMs) {
      const id = String(chat.chatId);
      await redis
        .multi()
        .zadd(order, nowMs, id)
        .hset(facts, id, JSON.stringify({ chatId: chat.chatId, title: chat.title, username: chat.username }))
        .exec();
      const dropped = await redis.zrange(order, "0", String(-(MAX_KNOWN_CHATS + 1)));
      if (dropped.length > 0) {
        await redis
          .multi()
          .zrem(order, ...dropped)
          .hdel(facts, ...dropped)
          .exec();
      }
    },
    async moveChat(oldChatId, newChatId) {
      const [raw, score] = await Promise.all([
        redis.hget(facts, String(oldChatId)),
        redis.zscore(order, String(oldChatId)),
      ]);
      const known = parseStoredJson<TargetChat>(raw, { key: facts });
      if (known === undefined || score === null) return;
      const chat = { ...known, chatId: newChatId };
      await redis
        .multi()
        .zrem(order, String(oldChatId))
        .hdel(facts, String(oldChatId))
        .zadd(order, score, String(newChatId))
        .hset(facts, String(newChatId), JSON.stringify(chat))
        .exec();
    },
    async recent(limit) {
      const ids = await redis.zrevrange(order, 0, limit - 1);
      if (ids.length === 0) return [];
      const values = await redis.hmget(facts, ...ids);
      return values.flatMap((raw) => {
        const chat = parseStoredJson<TargetChat>(raw, { key: facts });
        return chat ? [chat] : [];
      });
    },
  };
}
