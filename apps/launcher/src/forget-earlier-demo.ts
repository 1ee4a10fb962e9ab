import type { Redis } from "ioredis";

/**
 * Each demo starts a fresh sandbox world, so jobs, cached peers and the account lock left by an
 * earlier demo (even one that was killed) mean nothing now: drop every key under the prefix.
 */
export async function forgetEarlierDemo(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
}
