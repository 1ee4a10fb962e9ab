import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * The ioredis connection a queue was made on (start-bot.ts gives BullMQ's queues one of their
 * own, apart from the bot's own commands), or undefined when the queue was given connection
 * options and opened its own. Other queues the bot makes share it, so BullMQ's scripts stay
 * defined on that one connection.
 */
export function queueConnectionOf(queue: Pick<Queue, "opts">): Redis | undefined {
  const connection = queue.opts.connection;
  if (typeof connection !== "object" || connection === null || !("smembers" in connection)) return undefined;
  return connection as Redis;
}
