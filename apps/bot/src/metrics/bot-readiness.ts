import { DeadlineError, type Readiness, readinessOf, withDeadline } from "@callbot/shared";
import type { Redis } from "ioredis";

/** A PING slower than this reads as "Redis is not answering". */
const PING_TIMEOUT_MS = 1_000;

export interface BotReadinessDeps {
  redis: Pick<Redis, "status" | "ping">;
  /** True once the Bot API answered getMe (bot.init()). */
  botApiAnswered: () => boolean;
}

/** Ready to take work: Redis answers a PING now, and the Bot API answered getMe at start-up. */
export async function botReadiness(deps: BotReadinessDeps): Promise<Readiness> {
  return readinessOf({
    redis: await redisAnswers(deps.redis),
    botApi: deps.botApiAnswered() || "the Bot API has not answered getMe yet",
  });
}

async function redisAnswers(redis: BotReadinessDeps["redis"]): Promise<true | string> {
  // The bot's connection fails fast when not ready, so a PING never waits in its offline queue.
  if (redis.status !== "ready") return `the Redis connection is ${redis.status}`;
  try {
    await withDeadline(redis.ping(), PING_TIMEOUT_MS, "Redis PING");
    return true;
  } catch (error) {
    if (error instanceof DeadlineError) return `Redis does not answer: no PONG within ${PING_TIMEOUT_MS} ms`;
    return `Redis does not answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}
