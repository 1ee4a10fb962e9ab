import { accountCallsQueueName, readAssistantRegistry } from "@callbot/shared";
import { Queue } from "bullmq";
import { queueConnectionOf } from "./queue-connection.ts";

/** One Queue object per account and shared queue, made once: /calls and its buttons read them often. */
const made = new WeakMap<Queue, Map<number, Queue>>();

/**
 * The calls queue of one assistant account, beside the shared `callsQueue` (same connection and
 * prefix): where work for that account alone goes, such as /setup asking it to join a chat.
 */
export function accountCallQueue(callsQueue: Queue, accountId: number): Queue | undefined {
  const client = queueConnectionOf(callsQueue);
  if (!client) return undefined;
  let queues = made.get(callsQueue);
  if (!queues) {
    queues = new Map();
    made.set(callsQueue, queues);
  }
  let queue = queues.get(accountId);
  if (!queue) {
    queue = new Queue(accountCallsQueueName(accountId), {
      connection: client,
      prefix: callsQueue.opts.prefix ?? "bull",
    });
    queues.set(accountId, queue);
  }
  return queue;
}

/**
 * The calls queues of every registered assistant account (several-account deployments), beside
 * the shared `callsQueue` they share a connection and prefix with: where a request waits once a
 * worker handed it to an account. Empty with one account.
 */
export async function accountCallQueues(callsQueue: Queue): Promise<Queue[]> {
  const client = queueConnectionOf(callsQueue);
  if (!client) return [];
  const view = await readAssistantRegistry(client, callsQueue.opts.prefix ?? "bull");
  const ids = [...view.entries.map((entry) => entry.accountId), ...view.lapsed];
  if (ids.length < 2) return [];
  return ids.flatMap((id) => accountCallQueue(callsQueue, id) ?? []);
}
