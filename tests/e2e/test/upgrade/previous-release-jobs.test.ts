import { QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";
import { loadStoredJob, readFixtures, type StoredJob } from "./stored-job.ts";

/**
 * Rolling upgrades, first half: what the previous release stored in Redis is handled by this
 * one. The fixtures (fixtures/v1) are real jobs and results captured from a run of that release
 * (capture-fixtures.ts): the BullMQ job hash's name, data and opts as stored. Each is put into a
 * real Redis exactly so, and the current bot and worker take it from there, against the sandbox.
 * When a release changes what it writes, it captures a new folder and keeps the old ones: every
 * folder must keep passing, which is what lets one process be upgraded at a time.
 */
const v1 = readFixtures("v1");
function fixture(name: string): StoredJob {
  const found = v1.get(name);
  if (!found) throw new Error(`no fixture ${name} in fixtures/v1`);
  return found;
}

let p: Pipeline;
let redis: Redis;
/** A fresh pipeline (sandbox, prefix, bot, worker) for each group: results reuse the jobs' ids. */
function freshPipeline(): void {
  beforeAll(async () => {
    p = await startPipeline({ ownerIds: [DEMO.olga] });
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis?.quit();
    await p?.close();
  });
}

describe("jobs stored by release v1 on the calls queue are run by the current worker", () => {
  freshPipeline();

  it("has a fixture for every job name on the calls queue and every result kind", () => {
    const stored = [...v1.values()].map((job) => `${job.queue}:${job.name}`).sort();
    expect(stored).toEqual([
      "calls:call-action",
      "calls:create-call",
      "calls:join-chat",
      "calls:recurring-occurrence",
      "results:call-action",
      "results:create-call",
      "results:join-chat",
      "results:worker-alert",
    ]);
  });

  it("create-call: the call is created in Telegram and the requester is told", async () => {
    const job = fixture("calls-create-call");
    await loadStoredJob(redis, p.prefix, job);
    await p.waitForCalls(DEMO.privateTeam, 1);
    expect(p.sandbox.calls(DEMO.privateTeam)[0]).toMatchObject({ title: "Team sync", state: "active" });
    const report = await p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) => /✅/.test(m.text ?? ""));
    expect(report.text).toContain("Team sync");
  });

  it("call-action (rename): the chat's call gets the new title, and the requester is told", async () => {
    // The stored job names a call of the capture's world: here it names this world's call
    // (only the two id values change; every other byte is as stored).
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Weekly");
    await p.outcome(reply, /✅/);
    const [call] = p.sandbox.calls(DEMO.community);
    if (!call) throw new Error("no call in «Demo Community»");
    const job = fixture("calls-call-action-rename");
    const stored = JSON.parse(job.data) as { call: { id: string; accessHash: string } };
    const data = job.data.replace(stored.call.id, call.id).replace(stored.call.accessHash, call.accessHash);
    await loadStoredJob(redis, p.prefix, { ...job, data });
    await expect
      .poll(() => p.sandbox.calls(DEMO.community)[0]?.title, { timeout: 10_000 })
      .toBe("Renamed fixture call");
    const report = await p.sandbox.waitForBotMessage(DEMO.community, (m) =>
      /Renamed fixture call/.test(m.text ?? ""),
    );
    expect(report.text).toContain("is now called");
  });

  it("call-action version 2 (an in-call control, fixtures/v2): /record's job records the chat's live call", async () => {
    // The live call the rename above acted on; the stored job names the capture's call.
    const [call] = p.sandbox.calls(DEMO.community);
    if (!call) throw new Error("no call in «Demo Community»");
    const job = readFixtures("v2").get("calls-call-action-record-start");
    if (!job) throw new Error("no fixture calls-call-action-record-start in fixtures/v2");
    const stored = JSON.parse(job.data) as { v: number; call: { id: string; accessHash: string } };
    expect(stored.v).toBe(2);
    const data = job.data.replace(stored.call.id, call.id).replace(stored.call.accessHash, call.accessHash);
    await loadStoredJob(redis, p.prefix, { ...job, data });
    await expect
      .poll(() => p.sandbox.world.getGroupCall(call.id)?.recording, { timeout: 10_000 })
      .toMatchObject({ video: false });
    await p.sandbox.waitForBotMessage(DEMO.community, (m) => /⏺ Recording/.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });
  });

  it("recurring-occurrence: the rule's next occurrence is scheduled in Telegram", async () => {
    await loadStoredJob(redis, p.prefix, fixture("calls-recurring-occurrence"));
    await p.waitForCalls(DEMO.studio, 1);
    const [call] = p.sandbox.calls(DEMO.studio);
    expect(call).toMatchObject({ title: "Daily studio", state: "scheduled" });
    // Every day at 18:00 Europe/Berlin, created a day ahead at most.
    expect(call?.scheduleDate).toBeGreaterThan(Date.now() / 1000);
    expect(call?.scheduleDate).toBeLessThanOrEqual(Date.now() / 1000 + 24 * 60 * 60);
  });

  it("join-chat: the assistant joins the public chat it had left", async () => {
    p.sandbox.setRole(DEMO.community, DEMO.assistant, { status: "left" });
    await loadStoredJob(redis, p.prefix, fixture("calls-join-chat"));
    await expect
      .poll(
        () => {
          const chat = p.sandbox.world.chatByBotApiId(DEMO.community);
          return chat && p.sandbox.world.memberRole(chat.id, DEMO.assistant)?.status;
        },
        { timeout: 10_000 },
      )
      .toBe("member");
    const checklist = await p.sandbox.waitForBotMessage(DEMO.community, (m) =>
      /joined «Demo Community»/.test(m.text ?? ""),
    );
    expect(checklist.text).toContain("is in the chat");
  });
});

describe("results stored by release v1 on the results queue are delivered by the current bot", () => {
  freshPipeline();

  it("results of each kind reach the people they are for", async () => {
    // The operator has a private chat with the bot (Telegram lets a bot write only there).
    await p.ask(DEMO.olga, DEMO.olga, "/start");
    const before = p.sandbox.botMessages(DEMO.olga).length;
    for (const name of [
      "results-create-call-created",
      "results-call-action-done",
      "results-join-chat-joined",
      "results-worker-alert",
    ]) {
      await loadStoredJob(redis, p.prefix, fixture(name));
    }
    // The worker's alert goes to every operator (OWNER_IDS) privately.
    const alert = await p.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => p.sandbox.botMessages(DEMO.olga).indexOf(m) >= before && /lock/i.test(m.text ?? ""),
    );
    expect(alert.text).toContain("took it back");
    await expect
      .poll(
        () => p.sandbox.botMessages(DEMO.privateTeam).filter((m) => /Team sync/.test(m.text ?? "")).length,
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThanOrEqual(1);
    // The rename's and the join's reports, in the chat they were asked in.
    for (const report of [/is now called “Renamed fixture call”/, /joined «Demo Community»/]) {
      await p.sandbox.waitForBotMessage(DEMO.community, (m) => report.test(m.text ?? ""), {
        timeoutMs: 10_000,
      });
    }
    // Nothing was refused as malformed: every result job completed.
    const results = new Queue(QUEUE_NAMES.results, { connection: redis, prefix: p.prefix });
    try {
      await expect
        .poll(() => results.getJobCounts("failed", "waiting", "active"), { timeout: 15_000 })
        .toEqual({
          failed: 0,
          waiting: 0,
          active: 0,
        });
      for (const name of [
        "results-call-action-done",
        "results-join-chat-joined",
        "results-create-call-created",
      ]) {
        const job = await results.getJob(fixture(name).jobId);
        expect(await job?.getState(), name).toBe("completed");
      }
    } finally {
      await results.close();
    }
  });
});
