import { assertRedisReachable, RedisUnreachableError, redactRedisUrl } from "@callbot/shared";
import { RedisServerNotInstalled, startPrivateRedisServer } from "./private-redis-server.ts";

export interface DemoRedis {
  url: string;
  /** Set when nothing answered at the asked URL and the demo started its own Redis. */
  startedOwn?: { instead: string };
  stop(): Promise<void>;
}

/** The one line a newcomer without Redis needs. */
export const INSTALL_REDIS_HINT =
  "install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis";

export interface RedisForDemoDeps {
  assertReachable?: (url: string) => Promise<void>;
  startOwn?: typeof startPrivateRedisServer;
}

/**
 * The demo's Redis: the one at `url` if it answers. If nothing answers there (refused or
 * silent, the usual state of a fresh machine), the demo starts a private redis-server instead
 * and stops it on exit; if redis-server is not installed, it says how to install it. A Redis
 * that answers wrongly (a password, an unknown host) is the operator's to fix and is reported.
 * Production never comes here: it needs the operator's own, persistent Redis.
 */
export async function redisForDemo(url: string, deps: RedisForDemoDeps = {}): Promise<DemoRedis> {
  const assertReachable = deps.assertReachable ?? ((target: string) => assertRedisReachable(target));
  try {
    await assertReachable(url);
    return { url, stop: async () => undefined };
  } catch (error) {
    const nothingAnswers =
      error instanceof RedisUnreachableError &&
      (error.reason === "connection refused" || error.reason.startsWith("no answer"));
    if (!nothingAnswers) throw error;
  }
  try {
    const own = await (deps.startOwn ?? startPrivateRedisServer)();
    return { url: own.url, startedOwn: { instead: url }, stop: () => own.stop() };
  } catch (error) {
    if (error instanceof RedisServerNotInstalled) {
      throw new Error(
        `nothing answers at ${redactRedisUrl(url)} and redis-server is not installed: ${INSTALL_REDIS_HINT}`,
      );
    }
    throw error;
  }
}
