import { multiAssistantWorld, type WorldMessage } from "@callbot/sandbox";
import { DEMO, waitFor } from "@callbot/test-support";
import type { CallWorker } from "@callbot/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

type Keyboard = { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };

/**
 * Two assistant accounts, one worker each, behind one bot: the bot asks Telegram which of them may
 * create calls in the chat (getChatMember per assistant), and the request reaches one that may.
 */
describe("several assistant accounts through the whole pipeline", () => {
  let p: Pipeline;
  let second: CallWorker;
  beforeAll(async () => {
    p = await startPipeline({ world: multiAssistantWorld(), worker: { statusHeartbeatMs: 300 } });
    second = p.startAssistant("callbot_assistant_two");
    await second.ready;
  });
  afterAll(async () => {
    await p.close();
  });

  const creatorIn = (chatId: number) =>
    p.sandbox.calls(chatId).find((c) => c.state !== "discarded")?.createdBy;

  it("a chat where only the second account is an admin gets its call from that account", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.soloRoom, "/newcall Solo");
    await p.outcome(reply, /live now/);
    expect(creatorIn(DEMO.soloRoom)).toBe(DEMO.assistantTwo);
  });

  it("a livestream goes to the account that owns the chat, and its key to the requester only", async () => {
    await p.ask(DEMO.olga, DEMO.olga, "/start"); // the key can only reach a private chat she opened
    const { reply } = await p.ask(DEMO.olga, DEMO.studio, "/newcall Concert rtmp");
    const text = await p.outcome(reply, /live now/);
    expect(text).toMatch(/sent you the stream's server URL and key in a private message/);
    expect(creatorIn(DEMO.studio)).toBe(DEMO.assistant);
    await p.sandbox.waitForBotMessage(DEMO.olga, (m) => /Stream key: /.test(m.text ?? ""));
  });

  it("no account may create calls in the chat: nothing is queued, and the requester learns whom to make an admin", async () => {
    const before = await p.callJobCount();
    const { reply } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/newcall Nope");
    expect(reply.text).toContain("None of my assistant accounts may create video chats in «No Rights Club»");
    expect(reply.text).toContain("@callbot_assistant, @callbot_assistant_two");
    expect(reply.text).toContain("/setup");
    expect(await p.callJobCount()).toBe(before);
  });

  it("/status lists each account with its state and its queue", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/status");
    expect(reply.text).toContain("Assistant accounts:");
    expect(reply.text).toMatch(/• @callbot_assistant: online; \d+ request\(s\) waiting or running/);
    expect(reply.text).toMatch(/• @callbot_assistant_two: online; /);
  });

  it("a request waiting in an account's own queue is listed by /calls and cancelled from there", async () => {
    // Every account must wait before creating a call: the request waits in its account's queue.
    p.sandbox.world.configure({
      methodFloods: { "phone.createGroupCall": { requests: 0, perSeconds: 60, waitSeconds: 5 } },
    });
    try {
      p.sandbox.resetCounters();
      await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Later");
      await waitFor(
        async () => ((p.sandbox.counters().mtproto["phone.createGroupCall"] ?? 0) > 0 ? true : undefined),
        "the flooded attempt",
      );
      const { reply: list } = await p.ask(DEMO.olga, DEMO.privateTeam, "/calls");
      expect(list.text).toMatch(/queued/);
      await p.sandbox.pressButton({
        from: DEMO.olga,
        chatId: list.chatId,
        messageId: list.id,
        data: button(list, "Cancel") ?? "",
      });
      await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /cancel/i.test(m.text ?? ""), {
        timeoutMs: 10_000,
      });
      expect(p.sandbox.calls(DEMO.privateTeam)).toHaveLength(0);
    } finally {
      p.sandbox.world.configure({ methodFloods: {} });
    }
  });

  it("a call made by one account is ended by the other once the first is gone", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Standup");
    await p.outcome(reply, /live now/);
    const maker = creatorIn(DEMO.community);
    await (maker === DEMO.assistant ? p.worker : second).stop();

    const deadline = Date.now() + 10_000;
    let list: WorldMessage | undefined;
    while (!list) {
      const { reply: calls } = await p.ask(DEMO.olga, DEMO.community, "/calls");
      if (button(calls, "End")) list = calls;
      else if (Date.now() > deadline) throw new Error(`/calls never offered End; last: ${calls.text}`);
    }
    await p.sandbox.pressButton({
      from: DEMO.olga,
      chatId: list.chatId,
      messageId: list.id,
      data: button(list, "End") ?? "",
    });
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /has ended/.test(m.text ?? ""), {
      timeoutMs: 15_000,
    });
    expect(p.sandbox.calls(DEMO.community).every((c) => c.state === "discarded")).toBe(true);
  });
});

function button(message: WorldMessage, label: string): string | undefined {
  return (message.replyMarkup as Keyboard | undefined)?.inline_keyboard
    ?.flat()
    .find((b) => b.text.includes(label))?.callback_data;
}
