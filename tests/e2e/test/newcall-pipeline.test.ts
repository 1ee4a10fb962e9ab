import { DEMO } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

describe("/newcall through the whole pipeline: sandbox, bot, Redis, worker", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline();
  });
  afterEach(async () => {
    await p.close();
  });

  it("an owner creates a call now: one call in the chat, the check and the create plus the invite link, the ack edited", async () => {
    // Warm the caches the steady state relies on (rights, chat, peer), then measure a second request.
    const first = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Warm-up");
    await p.outcome(first.reply, /live now/);
    p.sandbox.resetCounters();

    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Standup");
    expect(reply.text).toContain("Queued: video chat “Standup” in «Demo Community»");
    const text = await p.outcome(reply, /live now/);
    expect(text).toMatch(/Video chat “Standup” is live now in «Demo Community»/);
    expect(text).toMatch(/Join: https:\/\/t\.me\/demo_community\?videochat=/);

    const calls = p.sandbox.calls(DEMO.community);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      title: "Standup",
      state: "active",
      rtmp: false,
      createdBy: DEMO.assistant,
    });
    // The chat sees Telegram's own service message, as members would.
    expect(
      p.sandbox.world.messages(DEMO.community).some((m) => m.service?.kind === "video_chat_started"),
    ).toBe(true);

    const counters = p.sandbox.counters();
    expect(counters.mtproto["phone.createGroupCall"]).toBe(1);
    expect(counters.mtproto["phone.exportGroupCallInvite"]).toBe(1);
    const mtprotoTotal = Object.values(counters.mtproto).reduce((a, b) => a + b, 0);
    // The chat's current call is read first (a create would end it), then the create and the
    // invite link: no resolution, no rights lookups (both are cached).
    expect(counters.mtproto["channels.getFullChannel"]).toBe(1);
    expect(mtprotoTotal).toBe(3);
    const botApiWrites = (counters.botApi.sendMessage ?? 0) + (counters.botApi.editMessageText ?? 0);
    expect(botApiWrites).toBe(2);
    const botApiTotal = Object.entries(counters.botApi)
      .filter(([method]) => method !== "getUpdates")
      .reduce((sum, [, n]) => sum + n, 0);
    expect(botApiTotal).toBeLessThanOrEqual(3);
  });

  it("a scheduled call appears in the chat as Telegram's scheduled video chat, at the time asked", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Planning in 2h");
    const text = await p.outcome(reply, /is scheduled/);
    expect(text).toMatch(/Video chat “Planning” is scheduled in «Private Team» for .*Europe\/Berlin/);
    expect(text).not.toMatch(/Join:/); // a private chat has no public invite link

    const [call] = p.sandbox.calls(DEMO.privateTeam);
    expect(call?.state).toBe("scheduled");
    const inTwoHours = Math.floor(Date.now() / 1000) + 2 * 3600;
    expect(Math.abs((call?.scheduleDate ?? 0) - inTwoHours)).toBeLessThan(90);
    const service = p.sandbox.world
      .messages(DEMO.privateTeam)
      .find((m) => m.service?.kind === "video_chat_scheduled");
    expect(service?.service).toEqual({ kind: "video_chat_scheduled", startDate: call?.scheduleDate });
  });

  it("a livestream's server URL and key reach the requester's private chat only, never the group", async () => {
    await p.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" }); // she opened the bot's chat
    const { reply } = await p.ask(DEMO.olga, DEMO.studio, "/newcall Concert rtmp");
    const text = await p.outcome(reply, /live now/);
    expect(text).toMatch(/sent you the stream's server URL and key in a private message/);

    const privateKey = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => /Stream key: /.test(m.text ?? ""));
    const key = /Stream key: (\S+)/.exec(privateKey.text ?? "")?.[1];
    expect(key).toBeTruthy();
    expect(privateKey.text).toMatch(/Server URL: rtmps?:\/\//);
    for (const message of p.sandbox.world.messages(DEMO.studio)) {
      expect([message.text ?? "", ...message.editHistory].join("\n")).not.toContain(key);
    }
    expect(p.sandbox.calls(DEMO.studio)[0]).toMatchObject({ rtmp: true, state: "active" });
  });

  it("a non-admin is refused in the chat and nothing reaches the queue or Telegram", async () => {
    p.sandbox.resetCounters();
    const { reply } = await p.ask(DEMO.max, DEMO.community, "/newcall Party");
    expect(reply.text).toMatch(
      /Only the owner of Demo Community or its admins with the "Manage video chats" right/,
    );
    expect(await p.callJobCount()).toBe(0);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
    expect(p.sandbox.calls(DEMO.community)).toEqual([]);
  });
});
