import { type AssistantEntry, accountCallsQueueName, type CallsQueue } from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * The calls queues of every assistant account this worker hands work to (its own, the ones it
 * forwards to, a dead account's it empties), made once each on the worker's connection.
 */
export class AccountQueues {
  private readonly queues = new Map<number, CallsQueue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
  ) {}

  of(accountId: number): CallsQueue {
    let queue = this.queues.get(accountId);
    if (!queue) {
      queue = new Queue(accountCallsQueueName(accountId), {
        connection: this.connection,
        prefix: this.prefix,
      });
      this.queues.set(accountId, queue);
    }
    return queue;
  }

  /**
   * An account's work: the jobs of its queue waiting or being run, counted by Redis at once (the
   * registry's `running` is only as fresh as the last heartbeat).
   */
  async load(entry: Pick<AssistantEntry, "accountId">): Promise<number> {
    const counts = await this.of(entry.accountId).getJobCounts("waiting", "prioritized", "active");
    return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
  }
}
