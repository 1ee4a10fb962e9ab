import { QUEUE_NAMES, recurringRequestId } from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

const berlinClock = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Berlin",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
/**
 * The rule's daily time, 3 hours ahead on Berlin's clock, so that only today's occurrence is due
 * when the rule is made. (A fixed 18:00 made the test depend on the hour it ran; the hour before
 * the rule's time has its own test below.)
 */
const DAILY = berlinClock.format(Date.now() + 3 * 3_600_000);

/** The rule id a scheduler's template carries (the RecurringRule is the job's data). */
function ruleIdOf(data: unknown): string {
  return (data as { ruleId: string }).ruleId;
}

/**
 * A recurring rule end to end: /newcall … every day 18:00 in a group, the rule's job scheduler on
 * the calls queue, the worker turning due occurrences into Telegram scheduled calls. The worker's
 * clock is moved on by a day between the two occurrences, and the scheduler is made to fire at
 * once (the same rule, `every` 300 ms instead of its daily cron), so the test takes seconds. No
 * call is ended by the test: the daily rule's 24 h lead meets today's call, as it would in a chat.
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

  it("the daily rule's next occurrence never ends today's call: it waits, and is skipped with its maker told; /stoprecurring removes the rule", async () => {
    let workerNow = Date.now();
    p = await startPipeline({ worker: { now: () => workerNow, recurringRecheckMs: 300 } });
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: p.prefix });

    const { reply } = await p.ask(DEMO.olga, DEMO.community, `/newcall Daily sync every day ${DAILY}`);
    expect(reply.text).toContain(
      `🔁 Recurring video chat “Daily sync” in «Demo Community», every day at ${DAILY} (Europe/Berlin).`,
    );
    const [scheduler] = await calls.getJobSchedulers();
    expect(scheduler).toMatchObject({
      pattern: `${Number(DAILY.slice(3))} ${Number(DAILY.slice(0, 2))} * * 0,1,2,3,4,5,6`,
      tz: "Europe/Berlin",
    });

    // The next 18:00 is always less than a day away: the bot queued it at once, the worker created it.
    await p.waitForCalls(DEMO.community, 1);
    const first = p.sandbox.calls(DEMO.community)[0]!;
    expect(first.title).toBe("Daily sync");
    // Nobody sent a command for an occurrence: the bot posts its outcome as a new message in the group.
    const told = await p.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.id > reply.id && /Daily sync/.test(m.text ?? "") && /scheduled/.test(m.text ?? ""),
      { timeoutMs: 10_000 },
    );
    expect(told.text).toContain("Europe/Berlin");
    const firstDate = first.scheduleDate!;
    expect(berlinClock.format(firstDate * 1000)).toBe(DAILY);

    // A day passes for the worker: at today's 18:00 the rule fires for tomorrow's 18:00 (its
    // 24 h lead) while today's call is still there. Telegram allows one call per chat and a
    // create would end today's call for everyone, so tomorrow's occurrence waits instead.
    workerNow = firstDate * 1000 + 60_000;
    await calls.upsertJobScheduler(
      scheduler!.key,
      { every: 300 },
      { name: scheduler!.name, data: scheduler!.template?.data, opts: scheduler!.template?.opts ?? {} },
    );
    const secondDate = firstDate + 86_400;
    const secondJobId = recurringRequestId(ruleIdOf(scheduler!.template?.data), secondDate);
    await waitFor(async () => (await calls.getJob(secondJobId)) !== undefined, "the second occurrence's job");
    const checksBefore = p.sandbox.counters().mtproto["channels.getFullChannel"] ?? 0;
    await waitFor(
      async () => (p.sandbox.counters().mtproto["channels.getFullChannel"] ?? 0) >= checksBefore + 2,
      "two more checks of the chat's call",
    );
    expect(first.state).toBe("scheduled");
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);

    // Nobody ends today's call. When tomorrow's 18:00 comes too close to create it (under 15 s),
    // that occurrence is skipped and the rule's maker is told why; today's call is untouched.
    workerNow = (secondDate - 14) * 1000;
    const skipped = await p.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => /⏭ Skipped the recurring video chat “Daily sync”/.test(m.text ?? ""),
      { timeoutMs: 10_000 },
    );
    expect(skipped.text).toContain("Telegram allows one call per chat");
    expect(first.state).toBe("scheduled");
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(1);

    // Later firings (the next day's occurrence is due now) wait in turn: still one call, untouched.
    const firings = await completedFirings();
    await waitFor(async () => (await completedFirings()) >= firings + 2, "two more firings");
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
    expect(first.state).toBe("scheduled");

    const stopped = await p.ask(DEMO.olga, DEMO.community, `/stoprecurring ${scheduler!.key}`);
    expect(stopped.reply.text).toContain("🛑 Stopped: video chat “Daily sync” in «Demo Community»");
    expect(await calls.getJobSchedulers()).toEqual([]);
  });

  it("today's call is created and stays; tomorrow's, due too through the lead's hour of slack, never ends it", async () => {
    // Found in CI between 16:00 and 17:00 UTC with "every day 18:00": both occurrences' jobs found
    // the chat free at once, and tomorrow's create ended today's call for everyone.
    p = await startPipeline();
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: p.prefix });
    const soon = berlinClock.format(Date.now() + 30 * 60_000);

    const { reply } = await p.ask(DEMO.olga, DEMO.community, `/newcall Daily sync every day ${soon}`);
    expect(reply.text).toContain(`every day at ${soon} (Europe/Berlin)`);
    const told = await p.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.id > reply.id && /Daily sync/.test(m.text ?? "") && /scheduled/.test(m.text ?? ""),
      { timeoutMs: 10_000 },
    );
    expect(told.text).toMatch(/in (29|30) min/);
    const [today] = p.sandbox.calls(DEMO.community);
    expect(berlinClock.format(today!.scheduleDate! * 1000)).toBe(soon);

    // Tomorrow's occurrence is queued, asleep until today's time; today's call is untouched.
    const [scheduler] = await calls.getJobSchedulers();
    const tomorrowJobId = recurringRequestId(
      ruleIdOf(scheduler!.template?.data),
      today!.scheduleDate! + 86_400,
    );
    await waitFor(async () => (await calls.getJob(tomorrowJobId))?.getState(), "tomorrow's occurrence's job");
    expect(await (await calls.getJob(tomorrowJobId))!.getState()).toBe("delayed");
    expect(p.sandbox.calls(DEMO.community).map((call) => call.state)).toEqual(["scheduled"]);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(1);
    expect(p.sandbox.counters().mtproto["phone.discardGroupCall"]).toBeUndefined();
  });
});

describe("a recurring occurrence waiting for the chat's call", () => {
  let p: Pipeline;
  afterEach(async () => {
    await p.close();
  });

  it("is created as soon as that call's video_chat_ended arrives, not at its next re-check", async () => {
    // Re-checks ten minutes apart: only the service message can make it quick.
    p = await startPipeline({ worker: { recurringRecheckMs: 600_000 } });
    const meeting = p.sandbox.world.createGroupCall(DEMO.olga, 1500000001, {
      randomId: 1,
      title: "Now",
      rtmp: false,
    });
    const checked = () => p.sandbox.counters().mtproto["channels.getFullChannel"] ?? 0;
    await p.ask(DEMO.olga, DEMO.community, `/newcall Daily sync every day ${DAILY}`);
    // The next 18:00 is less than a day away, so its occurrence is queued at once, and waits.
    await waitFor(async () => checked() >= 1, "a check of the chat's call", 10_000);
    expect(meeting.state).toBe("active");
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);

    // The meeting's people end it in Telegram.
    p.sandbox.world.discardGroupCall(DEMO.olga, meeting.id);
    await p.waitForCalls(DEMO.community, 2, 10_000);
    const occurrence = p.sandbox.calls(DEMO.community)[1]!;
    expect(occurrence).toMatchObject({ title: "Daily sync", state: "scheduled" });
    expect(berlinClock.format(occurrence.scheduleDate! * 1000)).toBe(DAILY);
  });
});
