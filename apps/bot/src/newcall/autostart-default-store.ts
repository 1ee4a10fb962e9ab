import type { Redis } from "ioredis";

/**
 * A chat's default for auto-start (`/autostart on|off`), applied when a scheduled /newcall does
 * not say `autostart` itself. One small key per chat that set it, no TTL: it is a setting, and
 * there is at most one per chat the bot serves.
 *   <prefix>:bot:autostart-default:<chatId>  "on" | "off"
 */
export interface AutostartDefaults {
  get(chatId: number): Promise<boolean>;
  set(chatId: number, on: boolean): Promise<void>;
}

export function autostartDefaults(redis: Redis, prefix: string): AutostartDefaults {
  const key = (chatId: number) => `${prefix}:bot:autostart-default:${chatId}`;
  return {
    async get(chatId) {
      return (await redis.get(key(chatId))) === "on";
    },
    async set(chatId, on) {
      await redis.set(key(chatId), on ? "on" : "off");
    },
  };
}
