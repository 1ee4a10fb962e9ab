import type { Redis } from "ioredis";
import { parseStoredJson } from "./parse-stored-json.ts";

/**
 * Read-through cache for small JSON answers from Telegram (chat and member look-ups): they are
 * what makes bots hit flood limits when fetched on every command, and they change rarely.
 * `load` returning undefined means "do not cache" (an error to report, not a fact to remember).
 */
export async function cachedJson<T>(
  redis: Redis,
  key: string,
  ttlSeconds: number,
  load: () => Promise<T | undefined>,
): Promise<T | undefined> {
  // A corrupt cache entry is a miss: it is loaded again and overwritten.
  const hit = parseStoredJson<T>(await redis.get(key), { key });
  if (hit !== undefined) return hit;
  const value = await load();
  if (value !== undefined) await redis.set(key, JSON.stringify(value), "EX", ttlSeconds);
  return value;
}
