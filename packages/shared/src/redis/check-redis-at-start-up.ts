import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { checkMaxmemoryPolicy } from "./check-maxmemory-policy.ts";
import { REDIS_CONNECT_TIMEOUT_MS } from "./redis-options.ts";
import { waitUntilReady } from "./wait-until-ready.ts";

/**
 * The start-up checks bot and worker both make on their own connection, after
 * assertRedisReachable: the connection is ready (it would reconnect for ever otherwise, and a
 * Redis that vanished right after the check is an error at start-up), and Redis will not evict
 * queued jobs (checkMaxmemoryPolicy).
 */
export async function checkRedisAtStartUp(
  redis: Redis,
  options: { allowEviction: boolean; logger: Logger },
): Promise<void> {
  await waitUntilReady(redis, 2 * REDIS_CONNECT_TIMEOUT_MS);
  await checkMaxmemoryPolicy(redis, {
    allowEviction: options.allowEviction,
    warn: (message) => options.logger.warn(message),
  });
}
