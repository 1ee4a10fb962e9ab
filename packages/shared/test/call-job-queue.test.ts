import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { CALL_JOB_DEFAULTS, CALL_JOB_NAMES, jobIdForCommand, QUEUE_NAMES } from "../src/index.ts";

const REDIS = { host: "127.0.0.1", port: 6379 };
const queues: Queue[] = [];

afterEach(async () => {
  for (const queue of queues.splice(0)) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

function freshCallsQueue(): Queue {
  const queue = new Queue(QUEUE_NAMES.calls, { connection: REDIS, prefix: `test-${randomUUID()}` });
  queues.push(queue);
  return queue;
}

describe("jobIdForCommand", () => {
  it("builds newcall_<chatId>_<messageId>", () => {
    expect(jobIdForCommand(-1001500000001, 42)).toBe("newcall_-1001500000001_42");
    expect(jobIdForCommand(1001, 7)).toBe("newcall_1001_7");
  });

  it.each([
    [0, 1],
    [1.5, 1],
    [-100, 0],
    [-100, -3],
    [Number.NaN, 1],
  ])("refuses chat %s, message %s", (chatId, messageId) => {
    expect(() => jobIdForCommand(chatId, messageId)).toThrow(RangeError);
  });

  it("is accepted by BullMQ, which refuses most ids with a colon", async () => {
    const queue = freshCallsQueue();
    const jobId = jobIdForCommand(-1001500000001, 42);
    const job = await queue.add(CALL_JOB_NAMES.createCall, { n: 1 }, { ...CALL_JOB_DEFAULTS, jobId });
    expect(job.id).toBe(jobId);
    // Any colon form other than BullMQ's legacy three-part one is already rejected.
    await expect(queue.add(CALL_JOB_NAMES.createCall, {}, { jobId: "newcall:-100:42:x" })).rejects.toThrow(
      "Custom Id cannot contain :",
    );
  });

  it("makes a re-delivered command a no-op: the second add with the same id does not queue a job", async () => {
    const queue = freshCallsQueue();
    const jobId = jobIdForCommand(-1001500000001, 43);
    await queue.add(CALL_JOB_NAMES.createCall, { copy: "first" }, { ...CALL_JOB_DEFAULTS, jobId });
    await queue.add(CALL_JOB_NAMES.createCall, { copy: "second" }, { ...CALL_JOB_DEFAULTS, jobId });
    const waiting = await queue.getJobs(["waiting"]);
    expect(waiting.map((job) => [job.id, job.data.copy])).toEqual([[jobId, "first"]]);
    expect(waiting[0]?.opts.attempts).toBe(5);
    expect(waiting[0]?.opts.backoff).toEqual({ type: "exponential", delay: 2000 });
  });
});
