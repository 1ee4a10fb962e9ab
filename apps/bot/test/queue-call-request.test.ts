import { randomUUID } from "node:crypto";
import { REDIS_URL } from "@callbot/test-support";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { withdrawLateJob } from "../src/newcall/queue-call-request.ts";

const prefix = `test-${randomUUID()}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const logger = pino({ level: "silent" });
afterAll(async () => {
  await redis.quit();
});

describe("a job whose add finished after the user was told 'nothing was queued'", () => {
  it("is removed while it waits; one a worker already took is reported kept (it runs after all)", async () => {
    // A queue of its own, so the only job a worker can take is this test's.
    const name = `late-${randomUUID()}`;
    const queue = new Queue(name, { connection: redis, prefix });
    const waiting = await queue.add("create-call", {}, { jobId: "late_waiting" });
    expect(await withdrawLateJob(waiting, logger)).toBe("withdrawn");
    expect(await queue.getJob("late_waiting")).toBeUndefined();

    const taken = await queue.add("create-call", {}, { jobId: "late_taken" });
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const worker = new Worker(name, null, { connection, prefix, autorun: false });
    try {
      const active = await worker.getNextJob("test-token");
      expect(active?.id).toBe("late_taken");
      expect(await withdrawLateJob(taken, logger)).toBe("kept");
      expect(await (await queue.getJob("late_taken"))?.getState()).toBe("active");
    } finally {
      await worker.close(true);
      await connection.quit();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
