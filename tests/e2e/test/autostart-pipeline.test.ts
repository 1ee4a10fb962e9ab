import { autostartJobId, QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/**
 * Auto-start with the real worker and the real bot: the worker marks the job automatic and the
 * bot words (or keeps quiet about) its report by that mark. Each end's own tests once assumed a
 * different mark (the requester's id vs 0), so only both ends together can show they agree.
 */
describe("auto-start through the whole pipeline", () => {
  let p: Pipeline;
  let redis: Redis;
  let calls: Queue;
  let resultEvents: QueueEvents;
  beforeEach(async () => {
    p = await startPipeline();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix: p.prefix });
    resultEvents = new QueueEvents(QUEUE_NAMES.results, { connection: redis.duplicate(), prefix: p.prefix });
    await resultEvents.waitUntilReady();
  });
  afterEach(async () => {
    await resultEvents.close();
    await calls.close();
    await p.close();
    await redis.quit();
  });

  /** Resolves once the bot has finished handling the results job `jobId`. */
  function botHandled(jobId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bot did not handle ${jobId} in time`)), 15_000);
      resultEvents.on("completed", ({ jobId: done }) => {
        if (done !== jobId) return;
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async function scheduleWithAutostart(title: string) {
    const { reply } = await p.ask(DEMO.olga, DEMO.community, `/newcall ${title} in 2h autostart`);
    await p.outcome(reply, /is scheduled/);
    const call = p.sandbox.calls(DEMO.community).find((c) => c.title === title);
    if (!call) throw new Error(`no call “${title}” in Telegram`);
    const job = await calls.getJob(autostartJobId(call.id));
    if (!job) throw new Error("the worker planned no auto-start");
    return { call, job };
  }

  it("a call started by hand before its time: the auto-start says nothing in the group", async () => {
    const { call, job } = await scheduleWithAutostart("Standup");
    p.sandbox.world.startScheduledGroupCall(DEMO.olga, call.id);

    const handled = botHandled(`result_${autostartJobId(call.id)}`);
    await job.promote(); // its time comes, rather than waiting two hours
    await handled;

    const said = p.sandbox.botMessages(DEMO.community).map((m) => m.text ?? "");
    expect(said.filter((text) => /Nothing to do|already live/.test(text))).toEqual([]);
  });

  it("a call still scheduled at its time: the group reads that it started automatically", async () => {
    const { job } = await scheduleWithAutostart("Retro");
    await job.promote();
    const posted = await p.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.text?.includes("Retro") === true && m.text.startsWith("▶️"),
    );
    expect(posted.text).toBe("▶️ “Retro” started automatically in «Demo Community».");
  });
});
