import type { Redis } from "ioredis";
import { redactRedisUrl } from "./redact-redis-url.ts";

/**
 * Resolves once the connection is ready for commands. A "producer" connection has no offline
 * queue, so a command sent before it is ready fails at once; await this first when you send
 * commands yourself (BullMQ's Queue waits by itself).
 */
export async function waitUntilReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === "ready") return;
  if (redis.status === "wait") {
    await redis.connect();
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      // A cluster client's options name no single server.
      const { host, port } = redis.options ?? {};
      const where = host === undefined ? "Redis" : `Redis at ${redactRedisUrl(`redis://${host}:${port}`)}`;
      reject(new Error(`${where} was not ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const onEnd = () => {
      cleanup();
      reject(new Error("the Redis connection was closed before it was ready"));
    };
    function cleanup() {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("end", onEnd);
    }
    redis.on("ready", onReady);
    redis.on("end", onEnd);
  });
}
