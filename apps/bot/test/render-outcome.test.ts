import type { CreateCallRequest, CreateCallResult } from "@callbot/shared";
import { DEMO, DEMO_CHATS } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { type RenderContext, renderOutcome } from "../src/results/render-outcome.ts";

/*
 * The report a requester reads, pinned for each kind of outcome. Pure: no bot, no Redis; the
 * sandbox tests check that it reaches the right chat.
 */

/** Mon 4 Jan 2027, 18:00 in Berlin. */
const SIX_PM = 1799082000;
/** 16:30 the same day in Berlin: 1 h 30 min before SIX_PM. */
const NOW_MS = 1799076600000;
const CTX: RenderContext = { now: NOW_MS, botUsername: "callbot_bot", userbotName: "@callbot_assistant" };

function request(overrides: Partial<CreateCallRequest> = {}): CreateCallRequest {
  return {
    v: 1,
    kind: "create-call",
    requestId: "newcall_-1001500000001_10",
    requester: { userId: DEMO.olga, chatId: DEMO.community, messageId: 10 },
    ack: { chatId: DEMO.community, messageId: 11 },
    target: DEMO_CHATS.community,
    title: "Standup",
    rtmp: false,
    timeZone: "Europe/Berlin",
    requestedAt: NOW_MS,
    ...overrides,
  };
}

function result(outcome: CreateCallResult["outcome"], req = request()): CreateCallResult {
  return { v: 1, kind: "create-call", request: req, outcome, finishedAt: NOW_MS };
}

const CALL = { id: "1", accessHash: "2", rtmp: false, title: "Standup" };
const KEY = { url: "rtmps://dc4-1.rtmp.t.me/s/", key: "1234:secret-key" };
const SETTINGS = [
  "🔑 Stream settings for the livestream “Standup” in «Demo Community». Keep the key secret: anyone who has it can stream to your chat.",
  `Server URL: ${KEY.url}`,
  `Stream key: ${KEY.key}`,
  "In OBS: Settings → Stream → Service: Custom…, then paste both.",
].join("\n");

describe("renderOutcome", () => {
  it.each<[string, CreateCallResult, string]>([
    [
      "delayed by a flood wait",
      result({ status: "delayed", delaySeconds: 90 }),
      "⏳ Telegram asked the assistant to wait 2 minutes (90 s); your request will run then. I will update this message again.",
    ],
    [
      "created, live now",
      result({ status: "created", call: CALL }),
      "✅ Video chat “Standup” is live now in «Demo Community».",
    ],
    [
      "created, live now, with its invite link",
      result({
        status: "created",
        call: { ...CALL, inviteLink: "https://t.me/demo_community?videochat=abc" },
      }),
      "✅ Video chat “Standup” is live now in «Demo Community».\nJoin: https://t.me/demo_community?videochat=abc",
    ],
    [
      "created, scheduled, untitled",
      result(
        { status: "created", call: { ...CALL, title: undefined, scheduleDate: SIX_PM } },
        request({ title: undefined }),
      ),
      "✅ Video chat is scheduled in «Demo Community» for Mon 4 Jan 2027, 18:00 (Europe/Berlin, UTC+01:00), in 1 h 30 min.",
    ],
    [
      "the chat already has a live call that started at 16:00",
      result({
        status: "exists",
        existing: { id: "9", accessHash: "8", state: "active", rtmp: false, title: "Weekly" },
      }),
      "«Demo Community» already has a live video chat “Weekly”; Telegram allows one per chat, so I created nothing. A new one would end it for everyone.",
    ],
    [
      "the chat already has a scheduled livestream",
      result({
        status: "exists",
        existing: { id: "9", accessHash: "8", state: "scheduled", rtmp: true, scheduleDate: SIX_PM },
      }),
      "«Demo Community» already has a livestream scheduled for Mon 4 Jan 2027, 18:00 (Europe/Berlin, UTC+01:00); Telegram allows one per chat, so I created nothing. A new one would end it for everyone.",
    ],
    [
      "a recurring occurrence that met the chat's live call",
      result(
        {
          status: "exists",
          existing: { id: "9", accessHash: "8", state: "active", rtmp: false, title: "Weekly" },
        },
        request({ recurrence: { ruleId: "r1", occurrence: 3 }, scheduleDate: SIX_PM }),
      ),
      "⏭ Skipped the recurring video chat “Standup” for Mon 4 Jan 2027, 18:00 (Europe/Berlin, UTC+01:00) in «Demo Community»: the chat still had the live video chat “Weekly”, and Telegram allows one call per chat (creating another would have ended it for everyone). The rule goes on with the next occurrence.",
    ],
  ])("%s", (_, outcome, ackText) => {
    expect(renderOutcome(outcome, CTX)).toEqual({ ackText });
  });

  it("a failure says what could not be done, then the catalogue's advice for that error, naming the assistant", () => {
    const rendered = renderOutcome(
      result({ status: "failed", failure: { errorName: "CHANNEL_PRIVATE", category: "user" } }),
      CTX,
    );
    const [first, advice] = rendered.ackText.split("\n");
    expect(first).toBe("❌ I could not create the video chat “Standup” in «Demo Community».");
    expect(advice).toContain("Add @callbot_assistant to «Demo Community» as an admin");
    expect(rendered.privateText).toBeUndefined();
  });

  it("the live call's start time, when the registry knows it, says since when it runs", () => {
    const rendered = renderOutcome(
      result({ status: "exists", existing: { id: "9", accessHash: "8", state: "active", rtmp: false } }),
      { ...CTX, existingStartedAt: SIX_PM - 7200 },
    );
    expect(rendered.ackText).toMatch(/^«Demo Community» already has a live video chat since 16:00;/);
  });

  it.each<[string, CreateCallRequest, Partial<ReturnType<typeof renderOutcome>>]>([
    [
      "asked in the group: the key goes privately, and the group's text never holds it",
      request({ rtmp: true }),
      {
        ackText:
          "✅ Livestream “Standup” is live now in «Demo Community».\nI sent you the stream's server URL and key in a private message.",
        privateText: SETTINGS,
        ackTextIfPrivateClosed:
          "✅ Livestream “Standup” is live now in «Demo Community».\nI could not send you the stream key privately because you have not started a chat with me. Open a private chat with @callbot_bot and press Start (or send /start). Meanwhile the chat's owner can see the key in Telegram: the livestream's menu → \"Stream with…\".",
      },
    ],
    [
      "asked in the private chat: the settings are in the report itself",
      request({
        rtmp: true,
        requester: { userId: DEMO.olga, chatId: DEMO.olga, messageId: 10 },
        ack: { chatId: DEMO.olga, messageId: 11 },
      }),
      { ackText: `✅ Livestream “Standup” is live now in «Demo Community».\n\n${SETTINGS}` },
    ],
  ])("a livestream %s", (_, req, expected) => {
    const rendered = renderOutcome(
      result({ status: "created", call: { ...CALL, rtmp: true }, rtmpCredentials: KEY }, req),
      CTX,
    );
    expect(rendered).toEqual(expected);
  });
});
