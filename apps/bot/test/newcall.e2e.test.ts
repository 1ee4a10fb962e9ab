import type { WorldMessage } from "@callbot/sandbox";
import { jobIdForCommand } from "@callbot/shared";
import { DEMO, waitFor } from "@callbot/test-support";
import { DateTime } from "luxon";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.ts";

describe("/newcall through the sandbox and a real Redis", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  /** Sends a message as a user and waits for the bot's reply to it. */
  async function ask(from: number, chatId: number, text: string, asChat = false): Promise<WorldMessage> {
    const sent = await h.sandbox.sendText({ from, chatId, text, asChat });
    return h.sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
  }

  async function expectNoJobs(): Promise<void> {
    expect(await h.callJobs()).toEqual([]);
  }

  it("the owner's /newcall in a group is acknowledged and queued once, with the right data", async () => {
    const before = Date.now();
    const sent = await h.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/newcall Weekly sync",
    });
    const ack = await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
    expect(ack.text).toContain("Queued: video chat “Weekly sync” in «Demo Community», to start now.");

    const jobs = await h.waitForCallJobs();
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job).toEqual({
      v: 1,
      kind: "create-call",
      requestId: jobIdForCommand(DEMO.community, sent.id),
      requester: { userId: DEMO.olga, chatId: DEMO.community, messageId: sent.id },
      ack: { chatId: DEMO.community, messageId: ack.id },
      target: { chatId: DEMO.community, title: "Demo Community", username: "demo_community" },
      title: "Weekly sync",
      rtmp: false,
      timeZone: "Europe/Berlin",
      requestedAt: expect.any(Number),
    });
    expect(job.requestedAt).toBeGreaterThanOrEqual(before);
  });

  it("a scheduled call: the reply states the time in the requester's zone, the job carries unix seconds", async () => {
    const ack = await ask(DEMO.adam, DEMO.community, "/newcall@callbot_sandbox_bot Retro tomorrow 18:30");
    const expected = DateTime.now().setZone("Europe/Berlin").plus({ days: 1 }).set({
      hour: 18,
      minute: 30,
      second: 0,
      millisecond: 0,
    });
    expect(ack.text).toContain("Queued: video chat “Retro” in «Demo Community», scheduled for");
    expect(ack.text).toContain(`${expected.toFormat("d LLL yyyy")}, 18:30 (Europe/Berlin, UTC`);
    const [job] = await h.waitForCallJobs();
    expect(job?.scheduleDate).toBe(expected.toSeconds());
  });

  it("from the private chat, naming a channel by username, with a livestream", async () => {
    const ack = await ask(DEMO.olga, DEMO.olga, "/newcall @demo_channel Launch in 2h rtmp");
    expect(ack.text).toContain("Queued: livestream “Launch” in «Demo Channel», scheduled for");
    const [job] = await h.waitForCallJobs();
    expect(job).toMatchObject({
      target: { chatId: DEMO.channel, title: "Demo Channel", username: "demo_channel" },
      requester: { userId: DEMO.olga, chatId: DEMO.olga },
      ack: { chatId: DEMO.olga, messageId: ack.id },
      rtmp: true,
    });
  });

  describe("refusals: a clear reason, nothing queued", () => {
    it.each([
      [DEMO.max, "/newcall Standup", "Only the owner of «Demo Community»".replace(/[«»]/g, "")],
      [DEMO.nina, "/newcall Standup", 'without the "Manage video chats" right'],
      [DEMO.adam, "/newcall Launch rtmp", "Only the owner of Demo Community can start a livestream"],
    ])("user %i: %s", async (from, text, expected) => {
      const reply = await ask(from, DEMO.community, text);
      expect(reply.text).toContain(expected);
      await expectNoJobs();
    });

    it("an anonymous admin is asked to write as themselves", async () => {
      const reply = await ask(DEMO.olga, DEMO.community, "/newcall Standup", true);
      expect(reply.text).toContain("You are posting anonymously");
      expect(reply.text).toContain("in a private chat: /newcall @demo_community [title] [time]");
      await expectNoJobs();
    });

    it("a stranger naming a chat in private is refused", async () => {
      const reply = await ask(DEMO.sam, DEMO.sam, "/newcall @demo_community Standup");
      expect(reply.text).toContain("Only the owner of Demo Community or its admins");
      await expectNoJobs();
    });

    it("the bot removed from a public chat: the refusal says how to add it", async () => {
      h.sandbox.setRole(DEMO.community, h.sandbox.info.botId, { status: "left" });
      const reply = await ask(DEMO.adam, DEMO.adam, "/newcall @demo_community Standup");
      expect(reply.text).toContain("I am not a member of Demo Community");
      expect(reply.text).toContain("Add members");
      expect(reply.text).toContain("@callbot_sandbox_bot");
      await expectNoJobs();
    });

    it("the bot removed from a private chat named by id: the refusal says how to add it", async () => {
      h.sandbox.setRole(DEMO.privateTeam, h.sandbox.info.botId, { status: "left" });
      const reply = await ask(DEMO.olga, DEMO.olga, `/newcall ${DEMO.privateTeam} Standup`);
      expect(reply.text).toContain("I am not a member of Private Team");
      expect(reply.text).toContain("Add members");
      await expectNoJobs();
    });
  });

  describe("bad input: a message saying what to do, and no job", () => {
    it.each([
      ["/newcall Standup at 25:00", 'I could not read the time "at 25:00"'],
      [
        "/newcall Standup 2020-01-01T10:00",
        "is in the past. A call can be scheduled between 10 seconds and a year",
      ],
      ["/newcall Standup in 400 days", "too far ahead"],
      ["/newcall Standup in 3s", "too soon"],
      [`/newcall ${"x".repeat(70)}`, "The title is 70 characters long; Telegram allows at most 64"],
      ["/newcall Standup --loud", 'Unknown option "--loud"'],
      [`/newcall ${"spam ".repeat(200)}`, "too long"],
    ])("%s", async (text, expected) => {
      const reply = await ask(DEMO.olga, DEMO.community, text);
      expect(reply.text).toContain(expected);
      await expectNoJobs();
    });

    it("times are explained in the requester's zone", async () => {
      const reply = await ask(DEMO.olga, DEMO.community, "/newcall Standup at 5");
      expect(reply.text).toContain("Times are read in Europe/Berlin");
    });

    it("an unknown chat id", async () => {
      const reply = await ask(DEMO.olga, DEMO.olga, "/newcall -1009999999999 Standup");
      expect(reply.text).toContain("I cannot find the chat -1009999999999");
      expect(reply.text).toContain("add me to it first");
      await expectNoJobs();
    });

    it("an unknown chat", async () => {
      const reply = await ask(DEMO.olga, DEMO.olga, "/newcall @no_such_chat_here Standup");
      expect(reply.text).toContain("I cannot find the chat @no_such_chat_here");
      await expectNoJobs();
    });

    it("no chat named in the private chat", async () => {
      const reply = await ask(DEMO.olga, DEMO.olga, "/newcall Standup");
      expect(reply.text).toContain("first name the group or channel");
      await expectNoJobs();
    });
  });

  it("/newcall@someotherbot is left alone", async () => {
    const other = await h.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/newcall@otherbot X",
    });
    // The next command is answered, so the first was handled (and ignored) before it.
    await ask(DEMO.olga, DEMO.community, "/help");
    expect(h.sandbox.botMessages(DEMO.community).filter((m) => m.replyToMessageId === other.id)).toEqual([]);
    await expectNoJobs();
  });

  it("a replayed update queues one job and sends one acknowledgement", async () => {
    const sent = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community, text: "/newcall Once" });
    await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
    await waitFor(async () => (await h.callJobs()).length === 1, "one job on the calls queue");

    const update = h.updates.find(
      (u) => u.message?.message_id === sent.id && u.message.chat.id === DEMO.community,
    );
    expect(update).toBeDefined();
    await h.running.bot.handleUpdate(update!);
    await h.running.bot.handleUpdate(update!);

    expect(await h.callJobs()).toHaveLength(1);
    expect(h.sandbox.botMessages(DEMO.community).filter((m) => m.replyToMessageId === sent.id)).toHaveLength(
      1,
    );
  });

  it("a second request for the same chat within the cooldown is refused", async () => {
    await ask(DEMO.olga, DEMO.community, "/newcall First");
    const second = await ask(DEMO.adam, DEMO.community, "/newcall Second");
    expect(second.text).toContain("A request for Demo Community is already being handled");
    const jobs = await h.waitForCallJobs();
    expect(jobs.map((j) => j.title)).toEqual(["First"]);
  });

  it("cost: at most 3 Bot API requests per /newcall, 2 once rights are cached; never getMe", async () => {
    const runOne = async (title: string) => {
      const sent = await h.sandbox.sendText({
        from: DEMO.adam,
        chatId: DEMO.community,
        text: `/newcall ${title}`,
      });
      const ack = await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
      const request = await waitFor(
        async () => (await h.callJobs()).find((j) => j.ack?.messageId === ack.id),
        "the request's job",
      );
      await h.putResult({
        v: 1,
        kind: "create-call",
        request,
        outcome: { status: "created", call: { id: "1", accessHash: "2", rtmp: false } },
        finishedAt: Date.now(),
      });
      await h.sandbox.waitForEdit(DEMO.community, ack.id, (m) => m.text?.includes("live now") ?? false);
      // The cooldown is not what this test is about: let the next request for this chat through.
      await h.running.redis.del(`${h.prefix}:bot:cooldown:${DEMO.community}`);
      const { getUpdates: _polling, ...requests } = h.sandbox.counters().botApi;
      h.sandbox.resetCounters();
      return requests;
    };
    h.sandbox.resetCounters();
    expect(await runOne("First")).toEqual({ getChatMember: 1, sendMessage: 1, editMessageText: 1 });
    expect(await runOne("Second")).toEqual({ sendMessage: 1, editMessageText: 1 });
  });
});

describe("per-user rate limit on /newcall", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ limits: { newCallsPerWindow: 2, newCallWindowMs: 60_000 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it("a burst gets one 'slow down' answer and nothing more", async () => {
    for (let i = 0; i < 4; i++) {
      // With arguments: a bare /newcall in the private chat opens the guided flow instead.
      await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall Standup" });
    }
    await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.text?.includes("too often") ?? false);
    // The fourth command is answered by nothing; a later /help proves it was handled already.
    const help = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/help" });
    await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.replyToMessageId === help.id);
    const texts = h.sandbox.botMessages(DEMO.olga).map((m) => m.text ?? "");
    expect(texts.filter((t) => t.includes("first name the group"))).toHaveLength(2);
    expect(texts.filter((t) => t.includes("too often"))).toHaveLength(1);
    expect(await h.callJobs()).toEqual([]);
  });

  it("planning a call beyond Telegram's 8 days counts against the same limit: the third plan is refused", async () => {
    const answers: WorldMessage[] = [];
    for (const when of ["in 3 weeks", "in 4 weeks", "in 5 weeks"]) {
      const sent = await h.sandbox.sendText({
        from: DEMO.olga,
        chatId: DEMO.community,
        text: `/newcall Summit ${when}`,
      });
      answers.push(await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id));
    }
    expect(answers[0]?.text).toMatch(/^🗓 Planned: video chat “Summit”/);
    expect(answers[1]?.text).toMatch(/^🗓 Planned: video chat “Summit”/);
    expect(answers[2]?.text).toBe(
      "You are sending /newcall too often. Please wait a minute, then try again.",
    );
    // Nothing was planned for the refused request: /calls (not a /newcall, so not limited) lists two.
    const sent = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community, text: "/calls" });
    const list = await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
    expect(list.text?.match(/planned: appears in Telegram/g)).toHaveLength(2);
  });
});
