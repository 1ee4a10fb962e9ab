import { QUEUE_NAMES } from "@callbot/shared";
import { DEMO, finishedJob, REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";
import { loadStoredJob, readFixtures, type StoredJob } from "./stored-job.ts";

/**
 * Rolling upgrades, second half: a bot and a worker of adjacent releases work together while
 * they are upgraded one process at a time. The "next release" is simulated by what it would
 * store: a job of a higher schema version, a job name this release does not know, a result of a
 * higher version. The "previous release" is its checked-in fixtures, and a job of the shape
 * before call-action's `origin` existed.
 */
const v1 = readFixtures("v1");
function fixture(name: string): StoredJob {
  const found = v1.get(name);
  if (!found) throw new Error(`no fixture ${name} in fixtures/v1`);
  return found;
}
/** The fixture's data with some fields changed (as a newer or older release would store it). */
function reshaped(job: StoredJob, change: (data: Record<string, unknown>) => void): StoredJob {
  const data = JSON.parse(job.data) as Record<string, unknown>;
  change(data);
  return { ...job, data: JSON.stringify(data) };
}

let p: Pipeline;
let redis: Redis;
let calls: Queue;
let results: Queue;
function freshPipeline(): void {
  beforeAll(async () => {
    p = await startPipeline({ ownerIds: [DEMO.olga] });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix: p.prefix });
    results = new Queue(QUEUE_NAMES.results, { connection: redis, prefix: p.prefix });
    // The operator can be written to privately (Telegram lets a bot write only after /start).
    await p.ask(DEMO.olga, DEMO.olga, "/start");
  });
  afterAll(async () => {
    await calls?.close();
    await results?.close();
    await redis?.quit();
    await p?.close();
  });
}

describe("one process at a time: nothing is lost while the worker, then the bot, is replaced", () => {
  freshPipeline();

  it("requests made while the worker is down wait in Redis and run when the next one starts", async () => {
    await p.worker.stop();
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall During the upgrade");
    expect(reply.text).toContain("Queued");
    expect(p.sandbox.calls(DEMO.privateTeam)).toEqual([]);
    await p.startWorker().ready;
    await p.outcome(reply, /✅/);
    expect(p.sandbox.calls(DEMO.privateTeam)[0]).toMatchObject({ title: "During the upgrade" });
  });

  it("a command sent while the bot is down is answered by the next bot", async () => {
    await p.bot.stop();
    const sent = await p.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/newcall While the bot restarts",
    });
    await p.startBot();
    const reply = await p.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id, {
      timeoutMs: 15_000,
    });
    await p.outcome(reply, /✅/);
    expect(p.sandbox.calls(DEMO.community)[0]).toMatchObject({ title: "While the bot restarts" });
  });
});

describe("adjacent releases: the worker refuses a newer bot's job clearly, and runs an older one", () => {
  freshPipeline();

  it("a create-call job of version 2 is refused: requester and operators told, no retry, the job kept with its data", async () => {
    const newer = reshaped(fixture("calls-create-call"), (data) => {
      data.v = 2;
      data.reminders = [{ minutesBefore: 10 }];
    });
    await loadStoredJob(redis, p.prefix, newer);

    const told = await p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) =>
      /Nothing was done/.test(m.text ?? ""),
    );
    expect(told.text).toContain("the worker that runs the assistant account is still older than this bot");
    expect(told.text).toContain("version 2; the worker reads up to version 1");
    expect(told.text).toContain("send the command again");
    const operators = await p.sandbox.waitForBotMessage(DEMO.olga, (m) =>
      /refused a request/.test(m.text ?? ""),
    );
    expect(operators.text).toContain("Upgrade the worker");
    expect(operators.text).toContain(newer.jobId);

    const job = await finishedJob(calls, newer.jobId);
    expect(await job?.getState()).toBe("failed");
    // Five attempts were allowed (the stored opts); one was made: refused for good, not retried.
    expect(job?.opts.attempts).toBe(5);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toContain("the bot that queued it is newer than this worker");
    // Nothing lost: the request is still there as the newer bot stored it.
    expect(job?.data).toEqual(JSON.parse(newer.data));
    expect(p.sandbox.calls(DEMO.privateTeam)).toEqual([]);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
  });

  it("a job name this worker does not know (a newer bot's new kind) is refused the same way", async () => {
    await loadStoredJob(redis, p.prefix, {
      queue: "calls",
      jobId: "remind_-1001500000001_1",
      name: "send-reminder",
      data: JSON.stringify({
        v: 1,
        kind: "reminder",
        requestId: "remind_-1001500000001_1",
        requester: { userId: DEMO.olga, chatId: DEMO.community },
        minutesBefore: 10,
      }),
      opts: fixture("calls-create-call").opts,
    });
    const told = await p.sandbox.waitForBotMessage(DEMO.community, (m) =>
      /Nothing was done/.test(m.text ?? ""),
    );
    expect(told.text).toContain('it does not know "send-reminder" requests (reminder, version 1)');
    const job = await finishedJob(calls, "remind_-1001500000001_1");
    expect(await job?.getState()).toBe("failed");
    expect(job?.attemptsMade).toBe(1);
  });

  it("a call-action job of the shape before `origin` existed is run by this worker", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Old shape");
    await p.outcome(reply, /✅/);
    const [call] = p.sandbox.calls(DEMO.community);
    if (!call) throw new Error("no call in «Demo Community»");
    const older = reshaped(fixture("calls-call-action-rename"), (data) => {
      delete data.origin;
      data.call = { id: call.id, accessHash: call.accessHash };
    });
    await loadStoredJob(redis, p.prefix, older);
    await expect
      .poll(() => p.sandbox.calls(DEMO.community)[0]?.title, { timeout: 10_000 })
      .toBe("Renamed fixture call");
  });

  it("a result of a newer version is refused by this bot, naming the upgrade, not retried, kept", async () => {
    const newer = reshaped(fixture("results-create-call-created"), (data) => {
      data.v = 2;
    });
    await loadStoredJob(redis, p.prefix, newer);
    await expect
      .poll(async () => (await results.getJob(newer.jobId))?.getState(), { timeout: 10_000 })
      .toBe("failed");
    const job = await results.getJob(newer.jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(job?.failedReason).toContain('a newer worker sent version 2 of a "create-call" message');
    expect(job?.failedReason).toContain("upgrade the bot");
    expect(job?.data).toEqual(JSON.parse(newer.data));
  });
});
