import { randomUUID } from "node:crypto";
import { type Job, type JobsOptions, Queue, QueueEvents, UnrecoverableError, Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import {
  addCallsJob,
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CallActionRequest,
  type CallsQueue,
  type CallsQueueJob,
  type CreateCallRequest,
  callsJobTemplate,
  firstOccurrenceJobId,
  InvalidCallsJobError,
  jobIdForCommand,
  parseCallsJob,
  QUEUE_NAMES,
  type RecurringRule,
} from "../src/index.ts";

const REDIS = { host: "127.0.0.1", port: 6379 };
const closers: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

function freshCallsQueue(defaultJobOptions?: JobsOptions): { queue: CallsQueue; prefix: string } {
  const prefix = `test-${randomUUID()}`;
  const queue: CallsQueue = new Queue(QUEUE_NAMES.calls, {
    connection: REDIS,
    prefix,
    ...(defaultJobOptions && { defaultJobOptions }),
  });
  closers.push(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
  });
  return { queue, prefix };
}

const target = { chatId: -1001500000001, username: "demo_community", title: "Demo Community" };

const createCall: CreateCallRequest = {
  v: 1,
  kind: "create-call",
  requestId: jobIdForCommand(-1001500000001, 42),
  requester: { userId: 1001, chatId: -1001500000001, messageId: 42 },
  ack: { chatId: -1001500000001, messageId: 43 },
  target,
  rtmp: false,
  timeZone: "Europe/Berlin",
  requestedAt: 1_800_000_000_000,
};

const startAction: CallActionRequest = {
  v: 1,
  kind: "call-action",
  requestId: "autostart_123",
  action: "start",
  origin: "autostart",
  requester: { userId: 1001, chatId: target.chatId },
  target,
  call: { id: "123", accessHash: "-456" },
  onlyIfScheduled: true,
  timeZone: "Europe/Berlin",
  requestedAt: 1_800_000_000_000,
};

const rule: RecurringRule = {
  v: 1,
  kind: "recurring-rule",
  ruleId: "rule_demo_1",
  requester: { userId: 1001, chatId: target.chatId },
  target,
  rtmp: false,
  autostart: false,
  weekdays: [1],
  hour: 18,
  minute: 0,
  timeZone: "Europe/Berlin",
  leadHours: 24,
  createdAt: 1_800_000_000_000,
};

describe("addCallsJob", () => {
  it("adds the job under its request id with the default retries and retention", async () => {
    const { queue } = freshCallsQueue();
    await addCallsJob(queue, CALL_JOB_NAMES.createCall, createCall);
    const job = await queue.getJob(createCall.requestId);
    expect(job?.name).toBe("create-call");
    expect(job?.data).toEqual(createCall);
    expect(job?.opts.attempts).toBe(CALL_JOB_DEFAULTS.attempts);
    expect(job?.opts.backoff).toEqual({ type: "exponential", delay: 2_000 });
    expect(job?.opts.removeOnComplete).toEqual(CALL_JOB_DEFAULTS.removeOnComplete);
    expect(job?.opts.removeOnFail).toEqual(CALL_JOB_DEFAULTS.removeOnFail);
  });

  it("adds a repeated request once", async () => {
    const { queue } = freshCallsQueue();
    await addCallsJob(queue, CALL_JOB_NAMES.createCall, createCall);
    await addCallsJob(queue, CALL_JOB_NAMES.createCall, { ...createCall, title: "Second copy" });
    const waiting = await queue.getJobs(["waiting"]);
    expect(waiting.map((job) => [job.id, job.data.kind === "create-call" && job.data.title])).toEqual([
      [createCall.requestId, undefined],
    ]);
  });

  it("lets the caller override an option and keeps the other defaults", async () => {
    const { queue } = freshCallsQueue();
    await addCallsJob(queue, CALL_JOB_NAMES.callAction, startAction, { delay: 60_000 });
    const job = await queue.getJob(startAction.requestId);
    expect(await job?.getState()).toBe("delayed");
    expect(job?.opts.delay).toBe(60_000);
    expect(job?.opts.attempts).toBe(CALL_JOB_DEFAULTS.attempts);
  });

  it("keeps the queue's own default backoff (a test's shorter one) and the other defaults", async () => {
    const backoff = { type: "exponential", delay: 200 };
    const { queue } = freshCallsQueue({ backoff });
    await addCallsJob(queue, CALL_JOB_NAMES.createCall, createCall);
    const job = await queue.getJob(createCall.requestId);
    expect(job?.opts.backoff).toEqual(backoff);
    expect(job?.opts.attempts).toBe(CALL_JOB_DEFAULTS.attempts);
  });

  it("gives a recurring rule added by hand its first-occurrence id", async () => {
    const { queue } = freshCallsQueue();
    await addCallsJob(queue, CALL_JOB_NAMES.recurringOccurrence, rule);
    const job = await queue.getJob(firstOccurrenceJobId(rule.ruleId));
    expect(job?.name).toBe("recurring-occurrence");
    expect(job?.data).toEqual(rule);
  });

  it("refuses data that does not fit the job's schema, naming the field, and adds nothing", async () => {
    const { queue } = freshCallsQueue();
    const wrong = { ...createCall, target: { ...target, chatId: 42 } };
    await expect(addCallsJob(queue, CALL_JOB_NAMES.createCall, wrong)).rejects.toThrow(InvalidCallsJobError);
    await expect(addCallsJob(queue, CALL_JOB_NAMES.createCall, wrong)).rejects.toThrow(
      /invalid create-call job, not queued: target\.chatId/,
    );
    // Data of another kind under a name is refused too: the name decides the schema.
    await expect(
      addCallsJob(queue, CALL_JOB_NAMES.callAction, createCall as unknown as CallActionRequest),
    ).rejects.toThrow(/invalid call-action job/);
    expect(await queue.count()).toBe(0);
  });
});

describe("callsJobTemplate", () => {
  it("gives a job scheduler's jobs the validated data and the default options", async () => {
    const { queue } = freshCallsQueue();
    await queue.upsertJobScheduler(
      rule.ruleId,
      { every: 60_000 },
      callsJobTemplate(CALL_JOB_NAMES.recurringOccurrence, rule),
    );
    const [job] = await queue.getJobs(["delayed", "waiting"]);
    expect(job?.name).toBe("recurring-occurrence");
    expect(job?.data).toEqual(rule);
    expect(job?.opts.attempts).toBe(CALL_JOB_DEFAULTS.attempts);
  });

  it("refuses an invalid rule before a scheduler exists", () => {
    expect(() => callsJobTemplate(CALL_JOB_NAMES.recurringOccurrence, { ...rule, weekdays: [] })).toThrow(
      /invalid recurring-occurrence job, not queued: weekdays/,
    );
  });
});

describe("parseCallsJob, in a BullMQ worker", () => {
  /** Runs every job of the queue through parseCallsJob; resolves with each job once it settled. */
  function parseInWorker(queue: CallsQueue, prefix: string, expected: number) {
    const parsed = new Map<string, CallsQueueJob>();
    const settled = new Map<string, Job>();
    const worker = new Worker(
      QUEUE_NAMES.calls,
      async (job) => {
        parsed.set(job.id ?? "", parseCallsJob(job));
      },
      { connection: REDIS, prefix },
    );
    const events = new QueueEvents(QUEUE_NAMES.calls, { connection: REDIS, prefix });
    closers.push(
      () => worker.close(),
      () => events.close(),
    );
    const done = new Promise<Map<string, Job>>((resolve) => {
      const record = async (jobId: string) => {
        const job = await queue.getJob(jobId);
        if (job) settled.set(jobId, job);
        if (settled.size === expected) resolve(settled);
      };
      events.on("completed", ({ jobId }) => void record(jobId));
      events.on("failed", ({ jobId }) => void record(jobId));
    });
    return { parsed, done, ready: Promise.all([worker.waitUntilReady(), events.waitUntilReady()]) };
  }

  it("hands each kind its typed data, and fails bad data and unknown names for good at the first attempt", async () => {
    const { queue, prefix } = freshCallsQueue();
    const run = parseInWorker(queue, prefix, 4);
    await run.ready;
    await addCallsJob(queue, CALL_JOB_NAMES.createCall, createCall);
    await addCallsJob(queue, CALL_JOB_NAMES.recurringOccurrence, rule);
    // Written past the contract, as an older or broken producer would: retries must not run it.
    await queue.add(CALL_JOB_NAMES.callAction, { ...startAction, action: "explode" } as never, {
      ...CALL_JOB_DEFAULTS,
      jobId: "bad_action",
    });
    await queue.add("make-coffee" as never, createCall, { ...CALL_JOB_DEFAULTS, jobId: "unknown_name" });

    const settled = await run.done;
    expect(run.parsed.get(createCall.requestId)).toEqual({ name: "create-call", data: createCall });
    expect(run.parsed.get(firstOccurrenceJobId(rule.ruleId))).toEqual({
      name: "recurring-occurrence",
      data: rule,
    });

    const bad = settled.get("bad_action");
    expect(bad?.failedReason).toMatch(/^invalid call-action job, not run: action:/);
    expect(bad?.attemptsMade).toBe(1); // 5 attempts allowed; UnrecoverableError used one
    const unknown = settled.get("unknown_name");
    expect(unknown?.failedReason).toBe("unknown job name on the calls queue, not run: make-coffee");
    expect(unknown?.attemptsMade).toBe(1);
    expect(run.parsed.has("bad_action")).toBe(false);
  });

  it("throws BullMQ's UnrecoverableError", () => {
    expect(() => parseCallsJob({ name: "join-chat", data: { v: 1 } })).toThrow(UnrecoverableError);
  });
});
