import type { Redis } from "ioredis";
import { withDeadline } from "../process/deadline.ts";

/**
 * Closes a connection politely (QUIT) within `ms`, or drops its socket: at shutdown Redis may be
 * gone or slow, and stopping must not wait for it. Never throws.
 */
export async function quitRedis(redis: Redis, ms: number): Promise<void> {
  if (redis.status === "end") return;
  try {
    await withDeadline(redis.quit(), ms, "Redis QUIT");
  } catch {
    redis.disconnect();
  }
}
