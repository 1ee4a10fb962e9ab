import type { WorldMessage } from "@callbot/sandbox";
import { jobIdForCommand } from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.ts";

/** The callback_data of every inline button on a message. */
function buttonData(message: WorldMessage): string[] {
  const markup = message.replyMarkup as { inline_keyboard?: { callback_data?: string }[][] } | undefined;
  return (markup?.inline_keyboard ?? []).flat().flatMap((b) => (b.callback_data ? [b.callback_data] : []));
}

describe("the guided /newcall in the private chat", () => {
  let h: Harness;
  let seen = 0;
  afterEach(async () => {
    await h.close();
  });

  /** Waits for the next bot message in a private chat (newer than the last one looked at) that contains `text`. */
  async function nextQuestion(chatId: number, text: string, timeoutMs = 5_000): Promise<WorldMessage> {
    const message = await h.sandbox.waitForBotMessage(
      chatId,
      (m) => m.id > seen && (m.text?.includes(text) ?? false),
      { timeoutMs },
    );
    seen = message.id;
    return message;
  }

  async function press(from: number, message: WorldMessage, data: string): Promise<void> {
    expect(buttonData(message)).toContain(data);
    const pressed = await h.sandbox.pressButton({
      from,
      chatId: message.chatId,
      messageId: message.id,
      data,
    });
    await pressed.answer;
  }

  /** /autostart in the group makes the bot know the chat (and sets its default), without queuing anything. */
  async function makeCommunityKnown(autostart: "on" | "off" = "off"): Promise<void> {
    const sent = await h.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: `/autostart ${autostart}`,
    });
    await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
  }

  it("pick a known chat, type a title, a preset time, no livestream, confirm: one job, the summary becomes the ack", async () => {
    h = await startHarness();
    seen = 0;
    await makeCommunityKnown();
    const command = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });

    const pickChat = await nextQuestion(DEMO.olga, "Which chat is it for?");
    expect(buttonData(pickChat)).toEqual(["guided:chat:0", "guided:chat:other", "guided:cancel"]);
    await press(DEMO.olga, pickChat, "guided:chat:0");

    await nextQuestion(DEMO.olga, "Title of the call in «Demo Community»?");
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "Weekly sync" });

    const when = await nextQuestion(DEMO.olga, "When?");
    expect(when.text).toContain("Europe/Berlin");
    const pressedAt = Date.now();
    await press(DEMO.olga, when, "guided:when:1h");

    // Olga owns the chat, so she is offered a livestream.
    const kind = await nextQuestion(DEMO.olga, "A video chat, or a livestream");
    await press(DEMO.olga, kind, "guided:kind:video");

    const summary = await nextQuestion(DEMO.olga, "Please check:");
    expect(summary.text).toContain("Chat: «Demo Community»");
    expect(summary.text).toContain("Call: video chat “Weekly sync”");
    expect(summary.text).toMatch(/When: .* \(Europe\/Berlin, UTC\+0[12]:00\)/);
    expect(await h.callJobs()).toEqual([]); // nothing before Confirm
    await press(DEMO.olga, summary, "guided:confirm");

    const ack = await h.sandbox.waitForEdit(
      DEMO.olga,
      summary.id,
      (m) => m.text?.includes("Queued") ?? false,
    );
    expect(ack.text).toContain("⏳ Queued: video chat “Weekly sync” in «Demo Community», scheduled for");
    const jobs = await h.waitForCallJobs();
    expect(jobs).toHaveLength(1);
    const job = jobs[0]!;
    expect(job).toMatchObject({
      kind: "create-call",
      requestId: jobIdForCommand(DEMO.olga, command.id),
      requester: { userId: DEMO.olga, chatId: DEMO.olga, messageId: command.id },
      ack: { chatId: DEMO.olga, messageId: summary.id },
      target: { chatId: DEMO.community, title: "Demo Community", username: "demo_community" },
      title: "Weekly sync",
      rtmp: false,
      timeZone: "Europe/Berlin",
    });
    expect(job.autostart).toBeUndefined();
    expect(job.scheduleDate).toBeGreaterThanOrEqual(Math.floor(pressedAt / 1000) + 3590);
    expect(job.scheduleDate).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);

    // The flow is over: its state is gone, and a message is no longer taken as an answer.
    const inspector = new Redis(REDIS_URL);
    expect(await inspector.exists(`${h.prefix}:bot:conversation:${DEMO.olga}`)).toBe(0);
    await inspector.quit();
    const hello = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "hello" });
    const unhandled = await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.id > hello.id);
    expect(unhandled.text).toContain("I did not understand that");
  });

  it("a typed chat and a typed time; an admin without the owner's rights is not offered a livestream", async () => {
    h = await startHarness();
    seen = 0;
    await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "/newcall" });
    // Nothing known yet: the chat is typed, and checked like /newcall checks it.
    await nextQuestion(DEMO.adam, "I do not know any of your chats yet");
    await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "@demo_channel" });
    await nextQuestion(DEMO.adam, "Only the owner of Demo Channel or its admins");
    await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "t.me/demo_community" });

    const title = await nextQuestion(DEMO.adam, "Title of the call in «Demo Community»?");
    await press(DEMO.adam, title, "guided:title:chat");

    await nextQuestion(DEMO.adam, "When?");
    await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "at 25:00" });
    const again = await nextQuestion(DEMO.adam, "I could not read the time");
    expect(again.text).toContain("Pick one of the buttons, or send another time.");
    await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "in 400 days" });
    await nextQuestion(DEMO.adam, "between 10 seconds and a year from now");
    await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "in 2h" });

    // Straight to the summary: no livestream question for an admin.
    const summary = await nextQuestion(DEMO.adam, "Please check:");
    expect(summary.text).toContain("Call: video chat (titled with the chat's name)");
    const between = h.sandbox.botMessages(DEMO.adam).filter((m) => m.text?.includes("livestream (RTMP)"));
    expect(between).toEqual([]);
    await press(DEMO.adam, summary, "guided:confirm");
    await h.sandbox.waitForEdit(
      DEMO.adam,
      summary.id,
      (m) => m.text?.includes("⏳ Queued: video chat in «Demo Community»") ?? false,
    );
    const [job] = await h.waitForCallJobs();
    expect(job?.title).toBeUndefined();
    expect(job?.rtmp).toBe(false);
  });

  it("cancel at the time question: nothing is queued and the state is cleared", async () => {
    h = await startHarness();
    seen = 0;
    await makeCommunityKnown();
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "Which chat"), "guided:chat:0");
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "Title of the call"), "guided:title:chat");
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "When?"), "guided:cancel");
    await nextQuestion(DEMO.olga, "Cancelled. Nothing was created.");

    expect(await h.callJobs()).toEqual([]);
    const inspector = new Redis(REDIS_URL);
    expect(await inspector.exists(`${h.prefix}:bot:conversation:${DEMO.olga}`)).toBe(0);
    await inspector.quit();
  });

  it("/cancel typed at the first question ends it too", async () => {
    h = await startHarness();
    seen = 0;
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });
    await nextQuestion(DEMO.olga, "I do not know any of your chats yet");
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/cancel" });
    await nextQuestion(DEMO.olga, "Cancelled. Nothing was created.");
    expect(await h.callJobs()).toEqual([]);
  });

  it("/newcall again restarts the flow; other commands meanwhile are answered and the flow goes on", async () => {
    h = await startHarness();
    seen = 0;
    await makeCommunityKnown();
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "Which chat"), "guided:chat:0");
    await nextQuestion(DEMO.olga, "Title of the call");
    const help = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/help" });
    const helpReply = await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.id > help.id);
    expect(helpReply.text).toContain("/newcall");
    // Still at the title question: a typed title is taken.
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "First try" });
    await nextQuestion(DEMO.olga, "When?");

    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "Which chat"), "guided:chat:0");
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "Second try" });
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "When?"), "guided:when:now");
    await press(
      DEMO.olga,
      await nextQuestion(DEMO.olga, "A video chat, or a livestream"),
      "guided:kind:rtmp",
    );
    const summary = await nextQuestion(DEMO.olga, "Please check:");
    expect(summary.text).toContain("Call: livestream “Second try”");
    expect(summary.text).toContain("When: now");
    await press(DEMO.olga, summary, "guided:confirm");
    const [job] = await h.waitForCallJobs();
    expect(job).toMatchObject({ title: "Second try", rtmp: true });
    expect(job?.scheduleDate).toBeUndefined();
    expect(await h.callJobs()).toHaveLength(1);

    const cancel = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/cancel" });
    const nothing = await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.id > cancel.id);
    expect(nothing.text).toContain("There is nothing to cancel.");
  });

  it("no answer within the time-out: a clear message, the state is cleared, nothing is queued", async () => {
    h = await startHarness({ limits: { guidedFlowTimeoutMs: 1_000 } });
    seen = 0;
    await makeCommunityKnown();
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });
    await press(DEMO.olga, await nextQuestion(DEMO.olga, "Which chat"), "guided:chat:0");
    const title = await nextQuestion(DEMO.olga, "Title of the call");

    await nextQuestion(DEMO.olga, "The guided /newcall timed out; nothing was created.");
    // The question lost its buttons, so nothing stale can be pressed.
    await waitFor(
      () => buttonData(h.sandbox.botMessages(DEMO.olga).find((m) => m.id === title.id)!).length === 0,
      "the title question's buttons to be removed",
    );
    const inspector = new Redis(REDIS_URL);
    expect(await inspector.exists(`${h.prefix}:bot:conversation:${DEMO.olga}`)).toBe(0);
    await inspector.quit();
    // A late answer is not taken for a title.
    const late = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "Weekly sync" });
    const unhandled = await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.id > late.id);
    expect(unhandled.text).toContain("I did not understand that");
    expect(await h.callJobs()).toEqual([]);
  });

  it("a user who may manage no chat is told so, and a chat they name is refused", async () => {
    h = await startHarness();
    seen = 0;
    await makeCommunityKnown();
    await h.sandbox.sendText({ from: DEMO.sam, chatId: DEMO.sam, text: "/newcall" });
    const question = await nextQuestion(DEMO.sam, "You do not manage any of the chats I serve");
    expect(buttonData(question)).toEqual(["guided:cancel"]);
    await h.sandbox.sendText({ from: DEMO.sam, chatId: DEMO.sam, text: "-1001500000001" });
    await nextQuestion(DEMO.sam, "Only the owner of Demo Community or its admins");
    expect(await h.callJobs()).toEqual([]);
  });

  describe("Telegram's chat picker (request_chat)", () => {
    /** The bot's message carrying the picker's reply keyboard, and its request_chat buttons. */
    async function pickerOf(
      chatId: number,
    ): Promise<{ message: WorldMessage; requestIds: Record<string, number> }> {
      const message = await h.sandbox.waitForBotMessage(
        chatId,
        (m) => m.text?.includes("Pick a group") ?? false,
      );
      const markup = message.replyMarkup as {
        keyboard?: { text: string; request_chat?: { request_id: number } }[][];
      };
      const requestIds: Record<string, number> = {};
      for (const b of (markup.keyboard ?? []).flat())
        if (b.request_chat) requestIds[b.text] = b.request_chat.request_id;
      return { message, requestIds };
    }

    it("is offered with the restrictions; a picked channel carries the flow on to a queued request, and the keyboard goes", async () => {
      h = await startHarness();
      seen = 0;
      await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/newcall" });
      await nextQuestion(DEMO.olga, "I do not know any of your chats yet");
      const picker = await pickerOf(DEMO.olga);
      expect(picker.message.replyMarkup).toMatchObject({
        keyboard: [
          [
            {
              text: "Pick a group",
              request_chat: {
                chat_is_channel: false,
                user_administrator_rights: { can_manage_video_chats: true },
                bot_is_member: true,
              },
            },
            {
              text: "Pick a channel",
              request_chat: {
                chat_is_channel: true,
                user_administrator_rights: { can_manage_video_chats: true },
                bot_is_member: true,
              },
            },
          ],
        ],
        one_time_keyboard: true,
        resize_keyboard: true,
      });

      h.sandbox.shareChat({
        from: DEMO.olga,
        messageId: picker.message.id,
        requestId: picker.requestIds["Pick a channel"]!,
        chatId: DEMO.channel,
      });
      const chosen = await nextQuestion(DEMO.olga, "The call is for «Demo Channel»");
      expect(chosen.replyMarkup).toEqual({ remove_keyboard: true });
      const title = await nextQuestion(DEMO.olga, "Title of the call in «Demo Channel»?");
      await press(DEMO.olga, title, "guided:title:chat");
      const when = await nextQuestion(DEMO.olga, "When?");
      await press(DEMO.olga, when, "guided:when:1h");
      const kind = await nextQuestion(DEMO.olga, "A video chat, or a livestream");
      await press(DEMO.olga, kind, "guided:kind:video");
      const summary = await nextQuestion(DEMO.olga, "Please check:");
      await press(DEMO.olga, summary, "guided:confirm");
      const [job] = await h.waitForCallJobs();
      expect(job?.target).toMatchObject({ chatId: DEMO.channel, title: "Demo Channel" });
      // The conversation replays its steps on every answer; the picker was still sent only once.
      expect(h.sandbox.botMessages(DEMO.olga).filter((m) => m.text?.includes("Pick a group"))).toHaveLength(
        1,
      );
    });

    it("a chat the user may not manage video chats in is not offered: the sandbox refuses the pick, the bot gets nothing", async () => {
      h = await startHarness();
      seen = 0;
      await h.sandbox.sendText({ from: DEMO.nina, chatId: DEMO.nina, text: "/newcall" });
      const question = await nextQuestion(DEMO.nina, "I do not know any of your chats yet");
      const picker = await pickerOf(DEMO.nina);
      expect(() =>
        h.sandbox.shareChat({
          from: DEMO.nina,
          messageId: picker.message.id,
          requestId: picker.requestIds["Pick a group"]!,
          chatId: DEMO.community,
        }),
      ).toThrow(/lacks can_manage_video_chats/);
      expect(h.sandbox.world.messages(DEMO.nina).filter((m) => m.service?.kind === "chat_shared")).toEqual(
        [],
      );
      // The flow still waits at the same question: a typed chat is still taken.
      expect(h.sandbox.botMessages(DEMO.nina).at(-1)?.id).toBe(question.id);
      await h.sandbox.sendText({ from: DEMO.nina, chatId: DEMO.nina, text: "@demo_community" });
      await nextQuestion(DEMO.nina, 'without the "Manage video chats" right');
    });

    it("rights revoked between the pick and the bot reading it: the bot's own check refuses, nothing is queued", async () => {
      h = await startHarness();
      seen = 0;
      await h.sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "/newcall" });
      await nextQuestion(DEMO.adam, "I do not know any of your chats yet");
      const picker = await pickerOf(DEMO.adam);
      // The picker offered Demo Community (Adam may manage video chats there) …
      h.sandbox.shareChat({
        from: DEMO.adam,
        messageId: picker.message.id,
        requestId: picker.requestIds["Pick a group"]!,
        chatId: DEMO.community,
      });
      // … and before the bot reads the chat_shared, the owner takes his admin role away.
      h.sandbox.setRole(DEMO.community, DEMO.adam, { status: "member" });
      const refused = await nextQuestion(DEMO.adam, "Only the owner of Demo Community or its admins");
      expect(refused.text).toContain("Send the chat's @username");
      expect(h.sandbox.botMessages(DEMO.adam).some((m) => m.text?.includes("Title of the call"))).toBe(false);
      expect(await h.callJobs()).toEqual([]);
    });
  });
});
