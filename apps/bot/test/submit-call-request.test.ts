import { randomUUID } from "node:crypto";
import { type CallsJobData, QUEUE_NAMES } from "@callbot/shared";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_BOT_LIMITS } from "../src/bot-limits.ts";
import { knownChats } from "../src/newcall/known-chats-store.ts";
import { recoverPendingRequests } from "../src/newcall/pending-requests.ts";
import { withdrawLateJob } from "../src/newcall/queue-call-request.ts";
import { submitCallRequest } from "../src/newcall/submit-call-request.ts";
import { botKeys } from "../src/redis/bot-keys.ts";
import { DEMO, REDIS_URL } from "./support/harness.ts";

/**
 * Issue 10 item 15: the write-ahead record is written before the "queued" answer, so a process
 * that dies right after answering leaves a request the next start queues. Real Redis and BullMQ;
 * the answer is a probe that looks at Redis at the moment the user would read "queued".
 */
const prefix = `test-${randomUUID()}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const callsQueue = new Queue<CallsJobData>(QUEUE_NAMES.calls, { connection: redis, prefix });
const keys = botKeys(prefix);
const logger = pino({ level: "silent" });
/** The create-call request queued under `jobId`, if any. */
const queuedRequest = async (jobId: string) => {
  const data = (await callsQueue.getJob(jobId))?.data;
  return data?.kind === "create-call" ? data : undefined;
};
afterAll(async () => {
  await callsQueue.obliterate({ force: true });
  await callsQueue.close();
  const left = await redis.keys(`${prefix}:*`);
  if (left.length > 0) await redis.del(...left);
  await redis.quit();
});

/** A request in its own chat, so no chat cooldown carries over between tests. */
const draft = (chatId: number, messageId: number) => ({
  requestId: `newcall_${chatId}_${messageId}`,
  requester: { userId: DEMO.olga, chatId, messageId },
  target: { chatId, title: "A chat" },
  title: "Write-ahead",
  scheduleDate: undefined,
  rtmp: false,
  autostart: false,
  timeZone: "UTC",
  now: Date.now(),
});

const deps = {
  redis,
  prefix,
  keys,
  callsQueue,
  limits: DEFAULT_BOT_LIMITS,
  logger,
  knownChats: knownChats(redis, prefix),
  botUsername: "callbot_bot",
  instanceId: "test-instance",
};

describe("the write-ahead record of a /newcall", () => {
  it("exists when the user is told 'queued', and is gone once the job is added", async () => {
    const request = draft(DEMO.community, 501);
    let recordWhenShown: string | null = "not shown";
    const outcome = await submitCallRequest(
      request,
      {
        show: async () => {
          recordWhenShown = await redis.get(keys.pendingRequest(request.requestId));
          return { chatId: DEMO.community, messageId: 502 };
        },
        edit: async () => undefined,
      },
      deps,
    );
    expect(outcome).toBe("queued");
    expect(recordWhenShown).not.toBeNull();
    expect(JSON.parse(recordWhenShown as unknown as string)).toMatchObject({ requestId: request.requestId });
    expect(await redis.get(keys.pendingRequest(request.requestId))).toBeNull();
    expect((await queuedRequest(request.requestId))?.ack).toEqual({
      chatId: DEMO.community,
      messageId: 502,
    });
  });

  it("a process that died while answering leaves a record the next start queues (reported by a new message)", async () => {
    const request = draft(DEMO.privateTeam, 601);
    // The answer never completes: the process dies there.
    const died = new Error("process died while answering");
    await expect(
      submitCallRequest(
        request,
        {
          show: async () => {
            // What Redis holds at that moment is what the next start sees.
            const record = await redis.get(keys.pendingRequest(request.requestId));
            await redis.set(`${prefix}:snapshot`, record ?? "none");
            throw died;
          },
          edit: async () => undefined,
        },
        deps,
      ),
    ).rejects.toBe(died);
    const snapshot = await redis.get(`${prefix}:snapshot`);
    expect(snapshot).not.toBe("none");
    // Replant it as the dead process left it, and start again.
    await redis
      .multi()
      .set(keys.pendingRequest(request.requestId), snapshot!, "EX", 3600)
      .zadd(keys.pendingIndex, Date.now(), request.requestId)
      .exec();
    expect(await recoverPendingRequests({ redis, keys, callsQueue, logger, queueTimeoutMs: 1_500 })).toBe(1);
    const queued = await queuedRequest(request.requestId);
    expect(queued).toMatchObject({ requestId: request.requestId, title: "Write-ahead" });
    expect(queued?.ack).toBeUndefined();
  });
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
