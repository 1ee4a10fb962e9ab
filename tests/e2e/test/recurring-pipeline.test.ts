import { QUEUE_NAMES } from "@callbot/shared";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type Pipeline, REDIS_URL, startPipeline, WHO } from "./support/pipeline.ts";

const berlinClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/**
 * A recurring rule end to end: /newcall … every day 18:00 in a group, the rule's job scheduler on
 * the calls queue, the worker turning due occurrences into Telegram scheduled calls. The worker's
 * clock is moved on by a day between the two occurrences, and the scheduler is made to fire at
 * once (the same rule, `every` 300 ms instead of its daily cron), so the test takes seconds.
 */
describe("a recurring call through the whole pipeline", () => {
  let p: Pipeline;
  let inspector: Redis;
  let calls: Queue;
  afterEach(async () => {
    await calls.close();
    await inspector.quit();
    await p.close();
  });

  async function completedFirings(): Promise<number> {
    const done = await calls.getJobs(["completed"]);
    return done.filter((job) => job.name === "recurring-occurrence").length;
  }

  /** Polls a real condition (no fixed sleeps). */
  async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("two occurrences become two scheduled calls at 18:00 Berlin time; /stoprecurring removes the rule", async () => {
    let workerNow = Date.now();
    p = await startPipeline({ worker: { now: () => workerNow } });
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: p.prefix });

    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall Daily sync every day 18:00");
    expect(reply.text).toContain(
      "🔁 Recurring video chat “Daily sync” in «Demo Community», every day at 18:00 (Europe/Berlin).",
    );
    const [scheduler] = await calls.getJobSchedulers();
    expect(scheduler).toMatchObject({ pattern: "0 18 * * 0,1,2,3,4,5,6", tz: "Europe/Berlin" });

    // The next 18:00 is always less than a day away: the bot queued it at once, the worker created it.
    await p.waitForCalls(WHO.community, 1);
    const first = p.sandbox.calls(WHO.community)[0]!;
    expect(first.title).toBe("Daily sync");
    // Nobody sent a command for an occurrence: the bot posts its outcome as a new message in the group.
    const told = await p.sandbox.waitForBotMessage(
      WHO.community,
      (m) => m.id > reply.id && /Daily sync/.test(m.text ?? "") && /scheduled/.test(m.text ?? ""),
      { timeoutMs: 10_000 },
    );
    expect(told.text).toContain("Europe/Berlin");
    // Read before the call is discarded: a discarded call has no schedule date any more.
    const firstDate = first.scheduleDate!;
    expect(berlinClock.format(firstDate * 1000)).toBe("18:00");

    // Telegram allows one call per chat at a time: the first one ends, and a day passes for the worker.
    p.sandbox.world.discardGroupCall(WHO.olga, first.id);
    workerNow = firstDate * 1000 + 60_000;
    await calls.upsertJobScheduler(
      scheduler!.key,
      { every: 300 },
      { name: scheduler!.name, data: scheduler!.template?.data, opts: scheduler!.template?.opts ?? {} },
    );
    await p.waitForCalls(WHO.community, 2);
    const second = p.sandbox.calls(WHO.community)[1]!;
    expect(second.title).toBe("Daily sync");
    expect(second.state).toBe("scheduled");
    expect(berlinClock.format(second.scheduleDate! * 1000)).toBe("18:00");
    // The next day's 18:00: 24 hours later, or 23/25 across a daylight-saving change.
    expect([23, 24, 25]).toContain((second.scheduleDate! - firstDate) / 3600);

    // Two more firings of the same due occurrence create nothing more.
    const firings = await completedFirings();
    await until(async () => (await completedFirings()) >= firings + 2);
    expect(p.sandbox.calls(WHO.community)).toHaveLength(2);

    const stopped = await p.ask(WHO.olga, WHO.community, `/stoprecurring ${scheduler!.key}`);
    expect(stopped.reply.text).toContain("🛑 Stopped: video chat “Daily sync” in «Demo Community»");
    expect(await calls.getJobSchedulers()).toEqual([]);
  });
});
