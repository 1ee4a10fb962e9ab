import { multiAssistantWorld, type WorldMessage } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

type Keyboard = { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };

/**
 * Two assistant accounts, one worker each, behind one bot: the bot asks Telegram which of them may
 * create calls in the chat (getChatMember per assistant), and the request reaches one that may.
 */
describe("several assistant accounts through the whole pipeline", () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline({ world: multiAssistantWorld(), worker: { statusHeartbeatMs: 300 } });
    await p.startAssistant("callbot_assistant_two").ready;
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

  it("a call made by one account is ended by the other once the first is gone", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Standup");
    await p.outcome(reply, /live now/);
    const maker = creatorIn(DEMO.community);
    expect(maker).toBeDefined();
    if (maker === DEMO.assistant) await p.worker.stop();
    else throw new Error(`expected the first account (sticky, lowest id) to make it, got ${maker}`);

    const deadline = Date.now() + 10_000;
    let list: WorldMessage | undefined;
    while (!list) {
      const { reply: calls } = await p.ask(DEMO.olga, DEMO.community, "/calls");
      if (endButton(calls)) list = calls;
      else if (Date.now() > deadline) throw new Error(`/calls never offered End; last: ${calls.text}`);
    }
    await p.sandbox.pressButton({
      from: DEMO.olga,
      chatId: list.chatId,
      messageId: list.id,
      data: endButton(list) ?? "",
    });
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /has ended/.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });
    expect(p.sandbox.calls(DEMO.community).every((c) => c.state === "discarded")).toBe(true);
  });
});

function endButton(message: WorldMessage): string | undefined {
  return (message.replyMarkup as Keyboard | undefined)?.inline_keyboard
    ?.flat()
    .find((b) => b.text.includes("End"))?.callback_data;
}
