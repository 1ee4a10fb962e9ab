import { accountCallsQueueName, readAssistantRegistry } from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** One Queue object per account and shared queue, made once: /calls and its buttons read them often. */
const made = new WeakMap<Queue, Map<number, Queue>>();

/**
 * The calls queues of every registered assistant account (several-account deployments), beside
 * the shared `callsQueue` they share a connection and prefix with: where a request waits once a
 * worker handed it to an account. Empty with one account.
 */
export async function accountCallQueues(callsQueue: Queue): Promise<Queue[]> {
  const prefix = callsQueue.opts.prefix ?? "bull";
  // The bot makes its queues on its own ioredis connection (start-bot.ts); reuse it.
  const connection = callsQueue.opts.connection;
  if (typeof connection !== "object" || connection === null || !("smembers" in connection)) return [];
  const client = connection as Redis;
  const view = await readAssistantRegistry(client, prefix);
  const ids = [...view.entries.map((entry) => entry.accountId), ...view.lapsed];
  if (ids.length < 2) return [];
  let queues = made.get(callsQueue);
  if (!queues) {
    queues = new Map();
    made.set(callsQueue, queues);
  }
  return ids.map((id) => {
    let queue = queues.get(id);
    if (!queue) {
      queue = new Queue(accountCallsQueueName(id), { connection: client, prefix });
      queues.set(id, queue);
    }
    return queue;
  });
}
