import type { RedisOptions } from "ioredis";

/**
 * - "worker": a connection for a BullMQ Worker or QueueEvents. Workers block on Redis (BZPOPMIN)
 *   and must ride out restarts, so BullMQ requires maxRetriesPerRequest: null (retry for ever).
 * - "producer": a connection for a BullMQ Queue that adds jobs while a user waits for an answer.
 *   It fails fast instead: a command fails at once when Redis is down (no offline queue), so the
 *   bot can tell the user "cannot queue right now" rather than hang.
 */
export type RedisRole = "worker" | "producer";

/** How long to wait for Redis to accept a connection before calling it unreachable. */
export const REDIS_CONNECT_TIMEOUT_MS = 2_000;

/** ioredis options for a role; see RedisRole. Both roles keep reconnecting in the background. */
export function redisOptionsForRole(role: RedisRole): RedisOptions {
  // Reconnect with a growing pause capped at 5 s, for ever: a long-running process should
  // recover by itself once Redis is back.
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 5_000);
  if (role === "worker") {
    return { maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy };
  }
  return {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    retryStrategy,
  };
}
