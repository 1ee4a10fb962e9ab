import { randomUUID } from "node:crypto";
import { Queue, UnrecoverableError } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import {
  addResult,
  jobIdForCommand,
  parseResultsJob,
  QUEUE_NAMES,
  RESULT_JOB_DEFAULTS,
  type ResultsMessage,
  type ResultsQueue,
} from "../src/index.ts";

const REDIS = { host: "127.0.0.1", port: 6379 };
const queues: ResultsQueue[] = [];

afterEach(async () => {
  for (const queue of queues.splice(0)) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
});

function freshResultsQueue(): ResultsQueue {
  const queue: ResultsQueue = new Queue(QUEUE_NAMES.results, {
    connection: REDIS,
    prefix: `test-${randomUUID()}`,
  });
  queues.push(queue);
  return queue;
}

const alert: ResultsMessage = {
  v: 1,
  kind: "worker-alert",
  alert: "session-dead",
  errorName: "AUTH_KEY_UNREGISTERED",
  at: 1_800_000_000_000,
};

describe("addResult", () => {
  it("adds the message named by its kind, with the results defaults, once per job id", async () => {
    const queue = freshResultsQueue();
    await addResult(queue, alert, "alert_1");
    await addResult(queue, { ...alert, errorName: "SESSION_REVOKED" }, "alert_1");
    const jobs = await queue.getJobs(["waiting"]);
    expect(jobs.map((job) => [job.id, job.name, job.data])).toEqual([["alert_1", "worker-alert", alert]]);
    expect(jobs[0]?.opts.attempts).toBe(RESULT_JOB_DEFAULTS.attempts);
    expect(jobs[0]?.opts.removeOnComplete).toEqual(RESULT_JOB_DEFAULTS.removeOnComplete);
  });

  it("refuses a message that breaks the contract, naming the field, and adds nothing", async () => {
    const queue = freshResultsQueue();
    const broken = {
      v: 1,
      kind: "create-call",
      request: { requestId: jobIdForCommand(-1001500000001, 42) },
      outcome: { status: "created" },
      finishedAt: 1,
    } as unknown as ResultsMessage;
    await expect(addResult(queue, broken, "result_x")).rejects.toThrow(
      /^invalid create-call result, not published: .*request\.v/,
    );
    expect(await queue.count()).toBe(0);
  });
});

describe("parseResultsJob", () => {
  it("gives the message back typed", () => {
    expect(parseResultsJob({ data: alert })).toEqual(alert);
  });

  it("fails a message of a newer version for good, naming the upgrade (rolling upgrades)", () => {
    const parse = () => parseResultsJob({ data: { ...alert, v: 2 } });
    expect(parse).toThrow(UnrecoverableError);
    expect(parse).toThrow(
      'a newer worker sent version 2 of a "worker-alert" message; this bot reads up to version 1: upgrade the bot',
    );
  });

  it("fails a message of an unknown kind the same way, and a malformed one with the reason", () => {
    expect(() => parseResultsJob({ data: { v: 1, kind: "reminder-sent" } })).toThrow(
      'a newer worker sent a "reminder-sent" message, a kind this bot does not know: upgrade the bot',
    );
    const parse = () => parseResultsJob({ data: { ...alert, at: "soon" } });
    expect(parse).toThrow(UnrecoverableError);
    expect(parse).toThrow(/^invalid results message, not delivered: /);
  });
});
