import { randomUUID } from "node:crypto";
import { demoCreateCallRequest, REDIS_URL, StallableProxy } from "@callbot/test-support";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { lookForJob } from "../src/newcall/look-for-job.ts";
import { mayHaveBeenApplied, queueCallRequest, withdrawLateJob } from "../src/newcall/queue-call-request.ts";

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

describe("an add that ended unclearly (its answer lost with the connection, a failover)", () => {
  it("is judged by whether its job exists once Redis answers, and 'unknown' while it does not", async () => {
    const queue = new Queue(`unclear-${randomUUID()}`, { connection: redis, prefix });
    // A producer connection (no offline queue) to a port nobody listens on: Redis never answers.
    const gone = new Redis("redis://127.0.0.1:1", { enableOfflineQueue: false, retryStrategy: () => 100 });
    gone.on("error", () => undefined);
    const unreachable = new Queue(`unclear-${randomUUID()}`, { connection: gone, prefix });
    unreachable.on("error", () => undefined);
    try {
      await queue.add("create-call", {}, { jobId: "newcall_-1001_7" });
      expect(await lookForJob(queue, "newcall_-1001_7", { withinMs: 2_000 })).toBe("queued");
      expect(await lookForJob(queue, "newcall_-1001_8", { withinMs: 2_000 })).toBe("absent");
      expect(await lookForJob(unreachable, "newcall_-1001_7", { withinMs: 600 })).toBe("unknown");
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      await unreachable.close().catch(() => undefined);
      gone.disconnect();
    }
  });

  it("only an add ioredis never sent, or one Redis refused, is surely not applied", () => {
    const refused = Object.assign(new Error("NOREPLICAS Not enough good replicas to write."), {
      name: "ReplyError",
    });
    expect(
      mayHaveBeenApplied(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(false);
    expect(mayHaveBeenApplied(refused)).toBe(false);
    expect(mayHaveBeenApplied(new Error("Reached the max retries per request limit (which is 1)."))).toBe(
      true,
    );
    expect(mayHaveBeenApplied(new Error("Connection is closed."))).toBe(true);
  });
});

describe("Redis stops answering while a /newcall's job is being added", () => {
  it("the outcome is 'not known' (never 'not queued') until Redis answers; then the job is found", async () => {
    const { hostname, port } = new URL(REDIS_URL);
    const proxy = await StallableProxy.start({ host: hostname, port: Number(port || 6379) });
    // The bot's producer connection (no offline queue), through the proxy.
    const connection = new Redis(proxy.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    connection.on("error", () => undefined);
    const name = `stalled-${randomUUID()}`;
    const queue = new Queue(name, { connection, prefix });
    queue.on("error", () => undefined);
    const direct = new Queue(name, { connection: redis, prefix });
    try {
      await queue.waitUntilReady();
      proxy.stall();
      const outcome = await queueCallRequest(queue, demoCreateCallRequest(9, { timeZone: "UTC" }), {
        timeoutMs: 300,
        logger,
        confirm: { withinMs: 800, laterWithinMs: 20_000 },
      });
      if (outcome.queued || outcome.unknown === undefined) throw new Error("expected 'not known'");
      proxy.resume();
      expect(await outcome.unknown.later).toBe("queued");
      expect(await direct.getJob("newcall_-1001500000001_9")).toBeDefined();
    } finally {
      await direct.obliterate({ force: true });
      await direct.close();
      await queue.close().catch(() => undefined);
      connection.disconnect();
      await proxy.close();
    }
  });
});
