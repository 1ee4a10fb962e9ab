import type { Redis } from "ioredis";

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = "0";
  let count = 0;
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    count += keys.length;
  } while (cursor !== "0");
  return count;
}

/**
 * Waits until the bot's per-chat cooldowns from the warm-up have expired (Redis drops them at
 * their TTL), so that the measured request into each chat is accepted. The key shape is the
 * bot's (apps/bot/src/redis/bot-keys.ts: `<prefix>:bot:cooldown:<chatId>`); should it change,
 * this returns at once and the measured phase reports "refused" answers instead of hiding them.
 * Polls a real condition every 250 ms; gives up after `timeoutMs`.
 */
export async function waitForChatCooldownsToLapse(
  redis: Redis,
  prefix: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await countKeys(redis, `${prefix}:bot:cooldown:*`);
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} chat cooldowns still set after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
