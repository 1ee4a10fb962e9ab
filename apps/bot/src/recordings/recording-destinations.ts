import { type TargetChat, TargetChatSchema } from "@callbot/shared";
import type { Redis } from "ioredis";
import { parseStoredJson } from "../redis/parse-stored-json.ts";

/**
 * Where a chat's call recordings are forwarded (`/recordings`): a chat the person who set it
 * controls, checked when it is set. One small key per chat that set it, no TTL (a setting):
 *   <prefix>:bot:recordings-to:<chatId>  TargetChat JSON
 * Without one, a recording stays in the assistant's Saved Messages.
 */
export interface RecordingDestinations {
  get(chatId: number): Promise<TargetChat | undefined>;
  set(chatId: number, to: TargetChat): Promise<void>;
  clear(chatId: number): Promise<void>;
}

export function recordingDestinations(redis: Redis, prefix: string): RecordingDestinations {
  const key = (chatId: number) => `${prefix}:bot:recordings-to:${chatId}`;
  return {
    async get(chatId) {
      return parseStoredJson(await redis.get(key(chatId)), { key: key(chatId), schema: TargetChatSchema });
    },
    async set(chatId, to) {
      await redis.set(key(chatId), JSON.stringify(to));
    },
    async clear(chatId) {
      await redis.del(key(chatId));
    },
  };
}
