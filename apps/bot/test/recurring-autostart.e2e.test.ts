import type { WorldMessage } from "@callbot/sandbox";
import { CALL_JOB_NAMES, QUEUE_NAMES, type RecurringRule } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recurringRulesStore } from "../src/recurring/recurring-rules-store.ts";
import { type Harness, startHarness } from "./support/harness.ts";

const zone = "Europe/Berlin";
/** A Wednesday noon in Berlin: the next Monday is days away, this Wednesday's 18:00 six hours. */
const WEDNESDAY_NOON = DateTime.fromISO("2026-06-10T12:00:00", { zone }).toMillis();

describe("autostart and recurring calls through the sandbox and a real Redis", () => {
  let h: Harness;
  let inspector: Redis;
  let calls: Queue;
  beforeEach(async () => {
    h = await startHarness({ clock: { now: () => WEDNESDAY_NOON } });
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: h.prefix });
  });
  afterEach(async () => {
    await calls.close();
    await inspector.quit();
    await h.close();
  });

  async function ask(from: number, chatId: number, text: string): Promise<WorldMessage> {
    const sent = await h.sandbox.sendText({ from, chatId, text });
    return h.sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
  }
  async function oneJob() {
    const jobs = await h.waitForCallJobs();
    expect(jobs).toHaveLength(1);
    return jobs[0]!;
  }
  const store = () => recurringRulesStore({ redis: inspector, prefix: h.prefix, callsQueue: calls as never });

  it("`autostart` reaches the job, and the answer says the call will start by itself", async () => {
    const ack = await ask(DEMO.olga, DEMO.community, "/newcall Sync at 18:00 autostart");
    expect(ack.text).toContain("scheduled for Wed 10 Jun 2026, 18:00 (Europe/Berlin, UTC+02:00)");
    expect(ack.text).toContain(
      "It will start automatically at Wed 10 Jun 2026, 18:00 (Europe/Berlin, UTC+02:00).",
    );
    const job = await oneJob();
    expect(job).toMatchObject({
      title: "Sync",
      autostart: true,
      scheduleDate: WEDNESDAY_NOON / 1000 + 6 * 3600,
    });
  });

  it("autostart on a call that starts now is refused with the reason; nothing is queued", async () => {
    const reply = await ask(DEMO.olga, DEMO.community, "/newcall Sync autostart");
    expect(reply.text).toContain("autostart starts a scheduled call at its time, so it needs a time");
    expect(await h.callJobs()).toEqual([]);
  });

  it("the chat's default (/autostart on) applies when the flag is not given; only managers may set it", async () => {
    const refused = await ask(DEMO.max, DEMO.community, "/autostart on");
    expect(refused.text).toContain("Only the owner of Demo Community or its admins");
    expect(await inspector.get(`${h.prefix}:bot:autostart-default:${DEMO.community}`)).toBeNull();

    const set = await ask(DEMO.adam, DEMO.community, "/autostart on");
    expect(set.text).toContain("will now start automatically");
    expect(await inspector.get(`${h.prefix}:bot:autostart-default:${DEMO.community}`)).toBe("on");
    expect((await ask(DEMO.max, DEMO.community, "/autostart")).text).toContain(
      "start automatically at their time",
    );

    const ack = await ask(DEMO.adam, DEMO.community, "/newcall Retro tomorrow 18:30");
    expect(ack.text).toContain("It will start automatically at Thu 11 Jun 2026, 18:30 (Europe/Berlin");
    expect(await oneJob()).toMatchObject({ title: "Retro", autostart: true });
  });

  it("the default does not touch a call that starts now, nor a call in a chat without it", async () => {
    await ask(DEMO.olga, DEMO.community, "/autostart on");
    const now = await ask(DEMO.olga, DEMO.community, "/newcall");
    expect(now.text).toContain("Queued: video chat in «Demo Community», to start now.");
    const job = await oneJob();
    expect(job.autostart).toBeUndefined();
    expect(job.title).toBeUndefined();
    const elsewhere = await ask(DEMO.olga, DEMO.olga, "/newcall -1001500000003 Plan at 18:00");
    expect(elsewhere.text).not.toContain("automatically");
  });

  it("a recurring rule becomes a job scheduler with the pattern, the zone and the rule; /stoprecurring removes it", async () => {
    const reply = await ask(DEMO.adam, DEMO.community, "/newcall Weekly sync every monday 18:00");
    expect(reply.text).toContain(
      "🔁 Recurring video chat “Weekly sync” in «Demo Community», every Monday at 18:00 (Europe/Berlin).",
    );
    expect(reply.text).toContain("Next: Mon 15 Jun 2026, 18:00 (Europe/Berlin, UTC+02:00), in 5 d 6 h.");
    expect(reply.text).toContain("created in Telegram 24 h ahead.");

    const schedulers = await calls.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    const scheduler = schedulers[0]!;
    const ruleId = `recurring_${DEMO.community}_${reply.replyToMessageId}`;
    expect(scheduler).toMatchObject({
      key: ruleId,
      name: CALL_JOB_NAMES.recurringOccurrence,
      pattern: "0 18 * * 0",
      tz: zone,
    });
    const rule = scheduler.template?.data as RecurringRule;
    expect(rule).toEqual({
      v: 1,
      kind: "recurring-rule",
      ruleId,
      requester: { userId: DEMO.adam, chatId: DEMO.community },
      target: { chatId: DEMO.community, title: "Demo Community", username: "demo_community" },
      title: "Weekly sync",
      rtmp: false,
      autostart: false,
      weekdays: [1],
      hour: 18,
      minute: 0,
      timeZone: zone,
      leadHours: 24,
      createdAt: WEDNESDAY_NOON,
    });
    // Sunday 18:00 Berlin, 24 h before the Monday call (the scheduler runs on the real clock).
    expect(DateTime.fromMillis(scheduler.next!, { zone }).toFormat("ccc HH:mm")).toBe("Sun 18:00");
    expect(await store().list(DEMO.community)).toEqual([rule]);
    // More than 24 h away: no occurrence is created at once; the only job is the scheduler's next firing.
    expect(await calls.getJob(`${ruleId}_first`)).toBeUndefined();
    expect(await calls.getJobCountByTypes("delayed", "waiting")).toBe(1);

    const list = await ask(DEMO.adam, DEMO.community, "/stoprecurring");
    expect(list.text).toContain(
      "1. video chat “Weekly sync” in «Demo Community», every Monday at 18:00 (Europe/Berlin)",
    );
    const pressed = await h.sandbox.pressButton({
      from: DEMO.adam,
      chatId: DEMO.community,
      messageId: list.id,
      data: `rstop:${ruleId}`,
    });
    expect((await pressed.answer).text).toContain("🛑 Stopped");
    expect(await calls.getJobSchedulers()).toEqual([]);
    expect(await calls.getJobCountByTypes("delayed", "waiting")).toBe(0);
    expect(await store().list(DEMO.community)).toEqual([]);
    expect(await store().chatIds()).toEqual([]);
  });

  it("an occurrence inside the lead time is created at once, as a recurring-occurrence job", async () => {
    const reply = await ask(DEMO.olga, DEMO.community, "/newcall Daily every day 18:00 autostart");
    expect(reply.text).toContain("every day at 18:00 (Europe/Berlin)");
    expect(reply.text).toContain("Next: Wed 10 Jun 2026, 18:00");
    expect(reply.text).toContain("starts automatically at its time");
    const ruleId = `recurring_${DEMO.community}_${reply.replyToMessageId}`;
    const first = await calls.getJob(`${ruleId}_first`);
    expect(first?.name).toBe(CALL_JOB_NAMES.recurringOccurrence);
    expect(first?.data).toMatchObject({ ruleId, autostart: true, weekdays: [1, 2, 3, 4, 5, 6, 7] });
    expect((await calls.getJobSchedulers())[0]).toMatchObject({
      key: ruleId,
      pattern: "0 18 * * 0,1,2,3,4,5,6",
    });

    // Stopping the rule in the private chat by its id also drops that pending occurrence.
    const stopped = await ask(DEMO.olga, DEMO.olga, `/stoprecurring ${ruleId}`);
    expect(stopped.text).toContain("🛑 Stopped: video chat “Daily” in «Demo Community», every day at 18:00");
    expect(await calls.getJob(`${ruleId}_first`)).toBeUndefined();
    expect(await calls.getJobSchedulers()).toEqual([]);
  });

  it("the same rights as /newcall are needed before anything is saved", async () => {
    const member = await ask(DEMO.max, DEMO.community, "/newcall Sync every monday 18:00");
    expect(member.text).toContain("Only the owner of Demo Community or its admins");
    const stream = await ask(DEMO.adam, DEMO.community, "/newcall Show every friday 20:00 rtmp");
    expect(stream.text).toContain("Only the owner of Demo Community can start a livestream");
    const bad = await ask(DEMO.adam, DEMO.community, "/newcall Sync every funday 18:00");
    expect(bad.text).toContain('I could not read the recurrence "every funday 18:00"');
    expect(await calls.getJobSchedulers()).toEqual([]);
    expect(await h.callJobs()).toEqual([]);
  });

  it("a Stop press re-checks the presser's rights: revoked since the list was shown, nothing is stopped", async () => {
    await ask(DEMO.adam, DEMO.community, "/newcall Sync every monday 18:00");
    const list = await ask(DEMO.adam, DEMO.community, "/stoprecurring");
    const [scheduler] = await calls.getJobSchedulers();
    h.sandbox.setRole(DEMO.community, DEMO.adam, { status: "member" });
    const pressed = await h.sandbox.pressButton({
      from: DEMO.adam,
      chatId: DEMO.community,
      messageId: list.id,
      data: `rstop:${scheduler?.key}`,
    });
    expect((await pressed.answer).text).toContain("Only the owner of Demo Community or its admins");
    expect(await calls.getJobSchedulers()).toHaveLength(1);
    const other = await ask(DEMO.nina, DEMO.community, `/stoprecurring ${scheduler?.key}`);
    expect(other.text).toContain('but without the "Manage video chats" right');
    expect(await calls.getJobSchedulers()).toHaveLength(1);
  });
});
