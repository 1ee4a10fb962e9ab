import { QUEUE_NAMES } from "@callbot/shared";
import { Worker } from "bullmq";
import type { Redis } from "ioredis";

/**
 * After a worker process is SIGKILLed, BullMQ notices only when the job's lock (30 s in
 * production) has lapsed and two stalled checks (every 30 s) have seen the job without a lock;
 * the account lock (30 s) keeps a restarted worker out meanwhile. Waiting for all that would
 * make one kill cost a minute or more. This does what that time would do, and nothing else:
 * it lets the dead process's locks and the stalled-check throttle expire now.
 */
export async function lapseDeadWorkerLocks(redis: Redis, prefix: string): Promise<void> {
  const patterns = [
    `${prefix}:${QUEUE_NAMES.calls}:*:lock`,
    `${prefix}:${QUEUE_NAMES.calls}:stalled-check`,
    `${prefix}:account-lock:*`,
  ];
  for (const pattern of patterns) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      for (const key of keys) await redis.pexpire(key, 1);
    } while (cursor !== "0");
  }
}

/**
 * BullMQ's own stalled-job checker (the Lua script every worker runs every stalledInterval),
 * run from the test every 100 ms instead of every 30 s, with the product's maxStalledCount (1,
 * apps/worker/src/start-worker.ts). It never takes a job: the worker is never run.
 */
export async function startStalledChecker(
  connection: Redis,
  prefix: string,
): Promise<{ stop(): Promise<void> }> {
  const checker = new Worker(
    QUEUE_NAMES.calls,
    async () => {
      throw new Error("the stalled checker never processes jobs");
    },
    { connection, prefix, autorun: false, stalledInterval: 100, maxStalledCount: 1 },
  );
  checker.on("error", () => undefined);
  await checker.startStalledCheckTimer();
  return { stop: () => checker.close() };
}
