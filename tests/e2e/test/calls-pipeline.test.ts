import type { WorldMessage } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/**
 * /calls with the real worker: the registry is built from the worker's create-call result and
 * Telegram's video_chat_* service messages, which reach the bot in either order.
 */
describe("/calls through the whole pipeline", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline();
  });
  afterEach(async () => {
    await p.close();
  });

  async function listUntil(chatId: number, from: number, matches: RegExp): Promise<WorldMessage> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { reply } = await p.ask(from, chatId, "/calls");
      if (matches.test(reply.text ?? "")) return reply;
      if (Date.now() > deadline) throw new Error(`/calls never matched ${matches}; last: ${reply.text}`);
      // Wait for the next event in the chat (a service message or a bot message), not a fixed time.
      await p.sandbox
        .waitForBotMessage(chatId, (m) => m.id > reply.id, { timeoutMs: 200 })
        .catch(() => undefined);
    }
  }

  function buttonLabels(message: WorldMessage): string[] {
    const keyboard = (message.replyMarkup as { inline_keyboard?: Array<Array<{ text: string }>> })
      ?.inline_keyboard;
    return (keyboard ?? []).flat().map((b) => b.text);
  }

  it("a call the worker scheduled is listed with its buttons; started and ended by hand, it shows as live, then ended", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Planning in 2h");
    await p.outcome(reply, /is scheduled/);
    const scheduled = await listUntil(
      DEMO.privateTeam,
      DEMO.olga,
      /🗓 scheduled for .*\(Europe\/Berlin, UTC[+-]\d\d:\d\d\)/,
    );
    expect(scheduled.text).toContain("Video chat “Planning”");
    expect(buttonLabels(scheduled)).toEqual(["1. ▶️ Start now", "1. ✖️ Cancel"]);

    const [call] = p.sandbox.calls(DEMO.privateTeam);
    p.sandbox.world.startScheduledGroupCall(DEMO.olga, call!.id);
    const live = await listUntil(DEMO.privateTeam, DEMO.olga, /🔴 live since/);
    // A live call also gets the in-call controls; a private chat has no call links, so no
    // Speaker link or Reset links (Telegram makes them only in public chats).
    expect(buttonLabels(live)).toEqual([
      "1. ⏹ End",
      "1. ⏺ Record",
      "1. 🔇 Mute new participants",
      "1. 👥 Invite",
    ]);

    p.sandbox.world.discardGroupCall(DEMO.olga, call!.id);
    const ended = await listUntil(DEMO.privateTeam, DEMO.olga, /⏹ ended/);
    expect(buttonLabels(ended)).toEqual([]);
  });

  it("in the private chat, Adam sees only Demo Community's calls, Olga sees every chat's", async () => {
    const community = await p.ask(DEMO.olga, DEMO.community, "/newcall Community sync in 2h");
    await p.outcome(community.reply, /is scheduled/);
    const team = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Team sync in 3h");
    await p.outcome(team.reply, /is scheduled/);

    const adams = await p.ask(DEMO.adam, DEMO.adam, "/calls");
    expect(adams.reply.text).toContain("“Community sync” in «Demo Community»");
    expect(adams.reply.text).not.toContain("Private Team");
    const olgas = await p.ask(DEMO.olga, DEMO.olga, "/calls");
    expect(olgas.reply.text).toContain("“Community sync” in «Demo Community»");
    expect(olgas.reply.text).toContain("“Team sync” in «Private Team»");
  });
});
