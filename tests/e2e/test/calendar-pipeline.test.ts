import type { WorldMessage } from "@callbot/sandbox";
import { autoendJobId, autostartJobId, QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pressLabelled } from "./support/buttons.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/**
 * The bot's own calendar through the whole pipeline (sandbox, bot, worker, real Redis).
 *
 * Time: the bot, the worker and the sandbox's world share one clock, the machine's plus
 * `offsetMs`, which the test moves forward (the world through its clockOffsetMs setting). A
 * planned call's job wakes every plannedHopMs (here 200 ms) and compares with that clock, so a
 * call planned three weeks ahead is created within a second of the clock reaching its lead,
 * without waiting three weeks. Set ends are short real delays (seconds), computed from the clock.
 */
describe("the bot's calendar through the whole pipeline", () => {
  let p: Pipeline;
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  let inspector: Redis;
  let calls: Queue;

  beforeAll(async () => {
    p = await startPipeline({
      now,
      worker: { plannedHopMs: 200, recurringRecheckMs: 300 },
      // Olga sends more commands (and asks for more calls) within a minute than the per-user limits let through.
      botLimits: { plannedHopMs: 200, newCallsPerWindow: 100, updatesPerWindow: 100 },
    });
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: p.prefix });
  });
  afterAll(async () => {
    await calls.close();
    await inspector.quit();
    await p.close();
  });

  /** Moves the whole deployment's clock (bot, worker, Telegram) to `atMs`. */
  function setClock(atMs: number): void {
    offsetMs = atMs - Date.now();
    p.sandbox.world.configure({ clockOffsetMs: offsetMs });
  }

  async function plan(
    id: string,
  ): Promise<{ scheduleDate: number; dueAt: number; state: string; title?: string }> {
    const raw = await inspector.get(`${p.prefix}:bot:calendar:plan:${id}`);
    if (raw === null) throw new Error(`no plan ${id}`);
    return JSON.parse(raw);
  }

  /** A plan's old job is removed, or (taken by a worker looking at the clock) finishes withdrawn. */
  async function withdrawn(jobId: string): Promise<void> {
    await waitFor(async () => {
      const job = await calls.getJob(jobId);
      return job === undefined || ((await job.isCompleted()) && job.returnvalue?.withdrawn === true);
    }, `the job ${jobId} to be withdrawn`);
  }

  it("a call planned 3 weeks ahead is kept, appears in Telegram at its lead, and starts by auto-start", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Summit in 3 weeks autostart");
    expect(reply.text).toMatch(/^🗓 Planned: video chat “Summit” in «Demo Community»/);
    expect(reply.text).toContain("Telegram holds a call at most 8 days ahead");
    expect(p.sandbox.calls(DEMO.community)).toEqual([]);
    const summit = await plan("p1");
    expect(summit.state).toBe("planned");
    // The default lead: as early as Telegram allows (8 days, less a 5-minute margin).
    expect(summit.scheduleDate * 1000 - summit.dueAt).toBe((8 * 86_400 - 300) * 1000);

    const { reply: list } = await p.ask(DEMO.olga, DEMO.community, "/calls");
    expect(list.text).toMatch(
      /p1\. Video chat “Summit”[\s\S]*planned: appears in Telegram on \w{3} \d{1,2} \w{3}/,
    );

    setClock(summit.dueAt + 1_000);
    await p.waitForCalls(DEMO.community, 1);
    const [created] = p.sandbox.calls(DEMO.community);
    expect(created).toMatchObject({ title: "Summit", state: "scheduled", scheduleDate: summit.scheduleDate });
    await p.sandbox.waitForBotMessage(DEMO.community, (m) => /“Summit” is scheduled/.test(m.text ?? ""));
    await waitFor(async () => (await plan("p1")).state === "created", "the plan to be settled as created");

    // At the call's time the worker's auto-start (planned when the call was created) starts it.
    setClock(summit.scheduleDate * 1000);
    const autostart = await waitFor(() => calls.getJob(autostartJobId(created!.id)), "the auto-start job");
    await autostart.promote(); // its delay was computed 8 days ahead; the clock already says it is time
    await p.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.text === "▶️ “Summit” started automatically in «Demo Community».",
    );
    expect(p.sandbox.calls(DEMO.community)[0]?.state).toBe("active");
  });

  it("a call that would overlap another is named with a choice, never planned over it", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Board in 3 weeks for 2h");
    expect(reply.text).toMatch(/^🗓 Planned/);
    const { reply: clash } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Clash in 3 weeks");
    expect(clash.text).toContain("this one would overlap:");
    expect(clash.text).toMatch(/video chat “Board”, planned \(p\w+\)/);
    expect(clash.text).toContain("Nothing was planned or replaced.");
    const board = await plan("p2");

    await pressLabelled(p.sandbox, DEMO.olga, clash, "Plan after it");
    const planned = await p.sandbox.waitForEdit(DEMO.privateTeam, clash.id, (m) =>
      /^🗓 Planned/.test(m.text ?? ""),
    );
    expect(planned.text).toContain("“Clash”");
    // After Board's set end (2 h after its start).
    const clashPlan = await plan("p3");
    expect(clashPlan.scheduleDate).toBe(board.scheduleDate + 7_200);
  });

  it("a planned call is renamed, moved and cancelled from /calls", async () => {
    const { reply: renamed } = await p.ask(DEMO.olga, DEMO.privateTeam, "/renameplan p3 Clash renamed");
    expect(renamed.text).toBe("✏️ The planned call p3 in «Private Team» is now called “Clash renamed”.");
    const before = await plan("p3");
    const job = await waitFor(() => calls.getJob(`planned_p3_${before.scheduleDate}`), "the plan's job");
    expect(job.data.title).toBe("Clash renamed");

    const { reply: moved } = await p.ask(DEMO.olga, DEMO.privateTeam, "/moveplan p3 in 5 weeks");
    expect(moved.text).toMatch(/^➡️ Moved\. 🗓 Planned: video chat “Clash renamed”/);
    const after = await plan("p3");
    expect(after.scheduleDate).toBeGreaterThan(before.scheduleDate + 13 * 86_400);
    await withdrawn(`planned_p3_${before.scheduleDate}`);

    const { reply: list } = await p.ask(DEMO.olga, DEMO.privateTeam, "/calls");
    expect(list.text).toContain("“Clash renamed”");
    await pressLabelled(p.sandbox, DEMO.olga, list, "p3. ✖️ Cancel");
    await p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) =>
      /The planned video chat “Clash renamed” in «Private Team» .* is cancelled/.test(m.text ?? ""),
    );
    expect((await plan("p3")).state).toBe("cancelled");
    await withdrawn(`planned_p3_${after.scheduleDate}`);
  });

  it("✏️ Rename and ➡️ Move in /calls ask for the new title and time, read and apply them; /cancel and a time-out change nothing", async () => {
    const { reply: list } = await p.ask(DEMO.olga, DEMO.privateTeam, "/calls");
    /** Presses a button of the list and returns the question the bot asks. */
    const tap = async (label: string) => {
      await pressLabelled(p.sandbox, DEMO.olga, list, label);
      return p.sandbox.waitForBotMessage(
        DEMO.privateTeam,
        (m) => m.replyToMessageId === list.id && /^Olga, /.test(m.text ?? "") && !asked.has(m.id),
      );
    };
    const asked = new Set<number>();
    /** Answers a question as Olga; returns the bot's reply to the answer. */
    const answer = async (question: WorldMessage, text: string) => {
      asked.add(question.id);
      const sent = await p.sandbox.sendText({
        from: DEMO.olga,
        chatId: DEMO.privateTeam,
        text,
        replyToMessageId: question.id,
      });
      return p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) => m.replyToMessageId === sent.id);
    };

    const rename = await tap("p2. ✏️ Rename");
    expect(rename.text).toMatch(/^Olga, send the new title of the planned video chat “Board” \(p2\)/);
    expect(rename.replyMarkup).toMatchObject({ force_reply: true });
    const tooLong = await answer(rename, "x".repeat(70));
    expect(tooLong.text).toMatch(/^The title is 70 characters long[\s\S]*Olga, send the new title/);
    const renamed = await answer(tooLong, "Board meeting");
    expect(renamed.text).toBe("✏️ The planned call p2 in «Private Team» is now called “Board meeting”.");
    expect((await plan("p2")).title).toBe("Board meeting");

    const before = await plan("p2");
    const move = await tap("p2. ➡️ Move");
    expect(move.text).toMatch(
      /^Olga, when should the planned video chat “Board meeting” \(p2\)[\s\S]*Europe\/Berlin/,
    );
    const unreadable = await answer(move, "someday soon");
    expect(unreadable.text).toMatch(/Olga, when should/);
    const moved = await answer(unreadable, "in 6 weeks");
    expect(moved.text).toMatch(
      /^➡️ Moved\. 🗓 Planned: video chat “Board meeting” in «Private Team», .*Europe\/Berlin/,
    );
    const after = await plan("p2");
    expect(after.scheduleDate).toBeGreaterThan(before.scheduleDate + 20 * 86_400);

    // /cancel leaves the call as it was, and the question is closed.
    const cancelled = await tap("p2. ➡️ Move");
    const sent = await p.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.privateTeam, text: "/cancel" });
    const told = await p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) => m.replyToMessageId === sent.id);
    expect(told.text).toBe("Cancelled: nothing was changed.");
    asked.add(cancelled.id);
    // A question left unanswered past its time-out (5 minutes) changes nothing either.
    const late = await tap("p2. ✏️ Rename");
    setClock(now() + 6 * 60_000);
    expect((await answer(late, "Too late")).text).toMatch(/timed out, so nothing was changed/);
    expect((await plan("p2")).title).toBe("Board meeting");
    expect((await plan("p2")).scheduleDate).toBe(after.scheduleDate);
  });

  it("➡️ Move by another admin: a member is refused at the button, only the tapper's answer counts, the time is read and shown in the tapper's zone, and an overlap is named", async () => {
    // Adam manages Private Team's calls too, and lives in New York; Max is a plain member.
    p.sandbox.setRole(DEMO.privateTeam, DEMO.adam, { status: "admin", rights: { manageCall: true } });
    p.sandbox.setRole(DEMO.privateTeam, DEMO.max, { status: "member" });
    await p.ask(DEMO.adam, DEMO.adam, "/timezone America/New_York");
    const { reply: retro } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Retro in 10 weeks");
    const retroId = /\/cancelplan (p\w+)/.exec(retro.text ?? "")?.[1];
    expect(retroId).toBeDefined();
    const before = await plan("p2");

    const { reply: list } = await p.ask(DEMO.olga, DEMO.privateTeam, "/calls");
    const press = (from: number) => pressLabelled(p.sandbox, from, list, "p2. ➡️ Move");
    const refused = await press(DEMO.max);
    expect(refused.text).toContain("Only the owner of Private Team or its admins");
    expect(p.sandbox.botMessages(DEMO.privateTeam).some((m) => /^Max, /.test(m.text ?? ""))).toBe(false);

    await press(DEMO.adam);
    const question = await p.sandbox.waitForBotMessage(
      DEMO.privateTeam,
      (m) => m.replyToMessageId === list.id && /^Adam, when should/.test(m.text ?? ""),
    );
    expect(question.text).toContain("America/New_York");
    const answer = async (from: number, to: WorldMessage, text: string) => {
      const sent = await p.sandbox.sendText({
        from,
        chatId: DEMO.privateTeam,
        text,
        replyToMessageId: to.id,
      });
      return p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) => m.replyToMessageId === sent.id);
    };
    // Olga may change the plan too, but Adam tapped: her reply moves nothing.
    const stranger = await answer(DEMO.olga, question, "in 7 weeks");
    expect(stranger.text).toContain("only their answer counts");
    expect((await plan("p2")).scheduleDate).toBe(before.scheduleDate);

    // Onto Retro's time: the overlap is named with a choice, and nothing moves.
    const overlap = await answer(DEMO.adam, question, "in 10 weeks");
    expect(overlap.text).toContain("this one would overlap:");
    expect(overlap.text).toContain(`video chat “Retro”, planned (${retroId})`);
    expect(overlap.text).toContain("America/New_York");
    expect((await plan("p2")).scheduleDate).toBe(before.scheduleDate);

    // Elsewhere: moved, and the answer gives the new time on Adam's clock, not Olga's.
    await press(DEMO.adam);
    const again = await p.sandbox.waitForBotMessage(
      DEMO.privateTeam,
      (m) => m.replyToMessageId === list.id && /^Adam, when should/.test(m.text ?? "") && m.id > question.id,
    );
    const moved = await answer(DEMO.adam, again, "in 7 weeks");
    expect(moved.text).toMatch(/^➡️ Moved\. 🗓 Planned: video chat “Board meeting” in «Private Team», /);
    expect(moved.text).toContain("America/New_York");
    expect(moved.text).not.toContain("Europe/Berlin");
    expect((await plan("p2")).scheduleDate).toBeGreaterThan(before.scheduleDate);
    await p.ask(DEMO.olga, DEMO.privateTeam, `/cancelplan ${retroId}`);
  });

  it("in the private chat, a plain message answers the question; it need not be a reply", async () => {
    const { reply: list } = await p.ask(DEMO.olga, DEMO.olga, "/calls");
    await pressLabelled(p.sandbox, DEMO.olga, list, "p2. ✏️ Rename");
    const question = await p.sandbox.waitForBotMessage(DEMO.olga, (m) =>
      /^Olga, send the new title of the planned video chat “Board meeting” \(p2\)/.test(m.text ?? ""),
    );
    const sent = await p.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "Board review" });
    const renamed = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => m.id > question.id && m.id > sent.id);
    expect(renamed.text).toBe("✏️ The planned call p2 in «Private Team» is now called “Board review”.");
    expect((await plan("p2")).title).toBe("Board review");
    // The question is closed: the next plain message is no answer.
    const again = await p.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "Board again" });
    const help = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => m.id > again.id);
    expect(help.text).toContain("I did not understand that");
    expect((await plan("p2")).title).toBe("Board review");
  });

  it("a planned call that cannot be created when due (rights lost) is reported to its maker once", async () => {
    const { reply } = await p.ask(DEMO.adam, DEMO.community, "/newcall Adam's talk in 5 weeks");
    expect(reply.text).toMatch(/^🗓 Planned/);
    const talkId = /\/cancelplan (p\w+)/.exec(reply.text ?? "")![1]!;
    const talk = await plan(talkId);
    p.sandbox.setRole(DEMO.community, DEMO.adam, { status: "member" });

    setClock(talk.dueAt + 1_000);
    const report = await p.sandbox.waitForBotMessage(DEMO.community, (m) =>
      /Your planned video chat “Adam's talk”/.test(m.text ?? ""),
    );
    expect(report.text).toContain("could not be created in Telegram when it was due");
    expect(report.text).toContain("send /newcall again");
    await waitFor(async () => (await plan(talkId)).state === "failed", "the plan to be settled as failed");
    // Once: the job is finished for good, and no second report follows.
    await waitFor(
      async () => (await calls.getJob(`planned_${talkId}_${talk.scheduleDate}`))?.isFailed(),
      "the job to fail",
    );
    const reports = p.sandbox.botMessages(DEMO.community).filter((m) => /Adam's talk/.test(m.text ?? ""));
    expect(reports.filter((m) => /could not be created/.test(m.text ?? ""))).toHaveLength(1);
    expect(p.sandbox.calls(DEMO.community).some((c) => c.title === "Adam's talk")).toBe(false);
  });

  it("a set end ends the call, with a notice in the chat before", async () => {
    const { reply: notice } = await p.ask(DEMO.olga, DEMO.oldGroup, "/calendar notice 3s");
    expect(notice.text).toContain("notice 3 s");
    const { reply } = await p.ask(DEMO.olga, DEMO.oldGroup, "/newcall Quick sync for 6s");
    expect(reply.text).toMatch(/It will end by itself at/);
    await p.waitForCalls(DEMO.oldGroup, 1);
    const [call] = p.sandbox.calls(DEMO.oldGroup);
    await p.sandbox.waitForBotMessage(DEMO.oldGroup, (m) =>
      /^⏰ The video chat “Quick sync” ends automatically at/.test(m.text ?? ""),
    );
    await p.sandbox.waitForBotMessage(
      DEMO.oldGroup,
      (m) => m.text === "⏹ “Quick sync” in «Old Group» has ended at its set end.",
    );
    expect(p.sandbox.calls(DEMO.oldGroup).find((c) => c.id === call?.id)?.state).toBe("discarded");
  });

  it("a call ended by hand cancels its auto-end", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.studio, "/newcall Workshop for 1h");
    expect(reply.text).toMatch(/It will end by itself at/);
    await p.waitForCalls(DEMO.studio, 1);
    const [call] = p.sandbox.calls(DEMO.studio);
    if (!call) throw new Error("no call");
    await waitFor(() => calls.getJob(autoendJobId(call.id)), "the auto-end job");

    p.sandbox.world.discardGroupCall(DEMO.olga, call.id);
    await waitFor(
      async () => (await calls.getJob(autoendJobId(call.id))) === undefined,
      "the auto-end to be cancelled",
    );
    expect(await inspector.get(`${p.prefix}:bot:calendar:end:${call.id}`)).toBeNull();
  });

  it("a call ended by hand before its set end spares the chat's next call at that time", async () => {
    const endOf = async (callId: string) =>
      Number(await inspector.get(`${p.prefix}:bot:calendar:end:${callId}`));
    // The chat's 10-second cooldown between requests is not what this is about (and set ends of
    // minutes would make the test as slow).
    const skipCooldown = () => inspector.del(`${p.prefix}:bot:cooldown:${DEMO.oldGroup}`);
    await skipCooldown();
    const { reply } = await p.ask(DEMO.olga, DEMO.oldGroup, "/newcall Early for 8s");
    await p.outcome(reply, /live now/);
    const early = p.sandbox.calls(DEMO.oldGroup).find((c) => c.title === "Early");
    if (!early) throw new Error("no call “Early”");
    await waitFor(() => calls.getJob(autoendJobId(early.id)), "the auto-end job of “Early”");
    const earlyEnd = await endOf(early.id);

    // Ended by hand with /calls End, then a new call in the same chat before Early's set end.
    const { reply: list } = await p.ask(DEMO.olga, DEMO.oldGroup, "/calls");
    await pressLabelled(p.sandbox, DEMO.olga, list, "End");
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /has ended/.test(m.text ?? ""));
    const endedByHand = Math.max(...p.sandbox.botMessages(DEMO.oldGroup).map((m) => m.id));
    await skipCooldown();
    const { reply: next } = await p.ask(DEMO.olga, DEMO.oldGroup, "/newcall Later for 12s");
    await p.outcome(next, /live now/);
    const later = p.sandbox.calls(DEMO.oldGroup).find((c) => c.title === "Later");
    if (!later?.startedAt) throw new Error("no live call “Later”");
    expect(later.startedAt).toBeLessThan(earlyEnd);
    const laterEnd = await endOf(later.id);

    // Later runs through Early's set end and ends at its own.
    await p.sandbox.waitForBotMessage(
      DEMO.oldGroup,
      (m) => m.text === "⏹ “Later” in «Old Group» has ended at its set end.",
      { timeoutMs: 30_000 },
    );
    const ended = p.sandbox.calls(DEMO.oldGroup).find((c) => c.id === later.id);
    expect(ended?.state).toBe("discarded");
    expect(later.startedAt + (ended?.duration ?? 0)).toBeGreaterThanOrEqual(laterEnd);
    // Nothing more is said of Early's set end (no notice, no end) once it was ended by hand.
    const texts = p.sandbox
      .botMessages(DEMO.oldGroup)
      .filter((m) => m.id > endedByHand)
      .map((m) => m.text ?? "");
    expect(texts.filter((t) => t.includes("“Early”"))).toEqual([]);
    expect(texts.filter((t) => t.includes("“Later”") && t.includes("has ended"))).toHaveLength(1);
  });
});
