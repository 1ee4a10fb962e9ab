import type { WorldMessage } from "@callbot/sandbox";
import {
  type CreateCallOutcome,
  type CreateCallRequest,
  type CreateCallResult,
  describeTelegramError,
  userbotIdentityKey,
} from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.ts";

const STREAM_KEY = "1500000001:SeCrEtStReAmKeY";

describe("results consumer: the acknowledgement is edited with the outcome", () => {
  let h: Harness;
  beforeEach(async () => {
    // Olga is an operator here too (OWNER_IDS), so she receives worker alerts; Sam never started the bot.
    h = await startHarness({ ownerIds: [DEMO.olga, DEMO.sam] });
    const redis = new Redis(REDIS_URL);
    await redis.set(
      userbotIdentityKey(h.prefix),
      JSON.stringify({
        userId: DEMO.assistant,
        username: "callbot_assistant",
        firstName: "Assistant",
        since: Date.now(),
      }),
    );
    await redis.quit();
  });
  afterEach(async () => {
    await h.close();
  });

  /** A real /newcall, so that there is a real "queued" message to edit; returns its job data. */
  async function queued(
    from: number,
    chatId: number,
    text: string,
  ): Promise<{ request: CreateCallRequest; ack: WorldMessage }> {
    const sent = await h.sandbox.sendText({ from, chatId, text });
    const ack = await h.sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
    expect(ack.text).toContain("Queued");
    const request = await waitFor(
      async () => (await h.callJobs()).find((job) => job.ack?.messageId === ack.id),
      "the request's job",
    );
    return { request, ack };
  }

  function result(request: CreateCallRequest, outcome: CreateCallOutcome): CreateCallResult {
    return { v: 1, kind: "create-call", request, outcome, finishedAt: Date.now() };
  }

  function everyTextIn(chatId: number): string[] {
    return h.sandbox.world.messages(chatId).flatMap((m) => [m.text ?? "", ...m.editHistory]);
  }

  it("created now: names the chat and title, says it is live, gives the invite link", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Weekly sync");
    await h.putResult(
      result(request, {
        status: "created",
        call: {
          id: "1",
          accessHash: "2",
          title: "Weekly sync",
          rtmp: false,
          inviteLink: "https://t.me/demo_community?videochat=abc",
        },
      }),
    );
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) => m.text?.includes("live now") ?? false,
    );
    expect(edited.text).toBe(
      "✅ Video chat “Weekly sync” is live now in «Demo Community».\nJoin: https://t.me/demo_community?videochat=abc",
    );
  });

  it("created scheduled: says when, in the requester's zone", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Retro tomorrow 18:30");
    await h.putResult(
      result(request, {
        status: "created",
        call: { id: "1", accessHash: "2", title: "Retro", scheduleDate: request.scheduleDate!, rtmp: false },
      }),
    );
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) => m.text?.includes("scheduled") ?? false,
    );
    expect(edited.text).toMatch(
      /^✅ Video chat “Retro” is scheduled in «Demo Community» for .+, 18:30 \(Europe\/Berlin, UTC\+0[12]:00\), in /,
    );
  });

  it("failed: the catalogue's message, naming the chat and the assistant", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Standup");
    await h.putResult(
      result(request, { status: "failed", failure: { errorName: "CHAT_ADMIN_REQUIRED", category: "user" } }),
    );
    const expected = describeTelegramError("CHAT_ADMIN_REQUIRED", {
      chatTitle: "Demo Community",
      chatUsername: "demo_community",
      userbotName: "callbot_assistant",
    }).userMessage;
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) => m.text?.startsWith("❌") ?? false,
    );
    expect(edited.text).toBe(
      `❌ I could not create the video chat “Standup” in «Demo Community».\n${expected}`,
    );
    expect(edited.text).toContain("@callbot_assistant");
  });

  it("delayed: says Telegram asked the assistant to wait, then the final result replaces it", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Standup");
    await h.putResult(result(request, { status: "delayed", delaySeconds: 30 }));
    await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) =>
        m.text?.includes(
          "Telegram asked the assistant to wait 30 seconds (30 s); your request will run then",
        ) ?? false,
    );
    await h.putResult(
      result(request, { status: "created", call: { id: "1", accessHash: "2", rtmp: false } }),
    );
    await h.sandbox.waitForEdit(DEMO.community, ack.id, (m) => m.text?.includes("live now") ?? false);
  });

  it("livestream from a group: the key goes to the requester's private chat only", async () => {
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" });
    await h.sandbox.waitForBotMessage(DEMO.olga);
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Launch rtmp");
    await h.putResult(
      result(request, {
        status: "created",
        call: { id: "1", accessHash: "2", title: "Launch", rtmp: true },
        rtmpCredentials: { url: "rtmps://dc4-1.rtmp.t.me/s/", key: STREAM_KEY },
      }),
    );
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) => m.text?.includes("live now") ?? false,
    );
    expect(edited.text).toContain("I sent you the stream's server URL and key in a private message.");
    const privateMessage = await h.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => m.text?.includes(STREAM_KEY) ?? false,
    );
    expect(privateMessage.text).toContain("Server URL: rtmps://dc4-1.rtmp.t.me/s/");
    expect(everyTextIn(DEMO.community).some((text) => text.includes(STREAM_KEY))).toBe(false);
  });

  it("livestream for a requester who never started the bot: told how, and the key is sent nowhere", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Launch rtmp");
    await h.putResult(
      result(request, {
        status: "created",
        call: { id: "1", accessHash: "2", title: "Launch", rtmp: true },
        rtmpCredentials: { url: "rtmps://dc4-1.rtmp.t.me/s/", key: STREAM_KEY },
      }),
    );
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) => m.text?.includes("live now") ?? false,
    );
    expect(edited.text).toContain("Open a private chat with @callbot_sandbox_bot and press Start");
    expect(everyTextIn(DEMO.community).some((text) => text.includes(STREAM_KEY))).toBe(false);
    expect(everyTextIn(DEMO.olga).some((text) => text.includes(STREAM_KEY))).toBe(false);
  });

  it("the acknowledgement was deleted: the result arrives as a new reply to the command", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Standup");
    h.sandbox.world.deleteMessage(DEMO.community, ack.id);
    await h.putResult(
      result(request, { status: "created", call: { id: "1", accessHash: "2", rtmp: false } }),
    );
    const fresh = await h.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.text?.includes("live now") ?? false,
    );
    expect(fresh.id).not.toBe(ack.id);
    expect(fresh.replyToMessageId).toBe(request.requester.messageId);
  });

  it("the bot was removed from the group meanwhile: the report reaches the requester privately", async () => {
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" });
    await h.sandbox.waitForBotMessage(DEMO.olga);
    const { request } = await queued(DEMO.olga, DEMO.community, "/newcall Standup");
    h.sandbox.setRole(DEMO.community, h.sandbox.info.botId, { status: "left" });
    await h.putResult(
      result(request, { status: "created", call: { id: "1", accessHash: "2", rtmp: false } }),
    );
    const report = await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.text?.includes("live now") ?? false);
    expect(report.text).toContain("«Demo Community»");
  });

  it("a worker alert reaches every operator who can be reached", async () => {
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" });
    await h.sandbox.waitForBotMessage(DEMO.olga);
    await h.putResult({
      v: 1,
      kind: "worker-alert",
      alert: "session-dead",
      errorName: "AUTH_KEY_UNREGISTERED",
      at: Date.now(),
    });
    const alert = await h.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => m.text?.includes("operator alert") ?? false,
    );
    expect(alert.text).toContain("AUTH_KEY_UNREGISTERED");
    expect(alert.text).toContain("Log the assistant account in again");
  });

  it("an invalid results message is dropped without stopping later ones", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Standup");
    // Deliberately not a ResultsMessage: the consumer must validate, not trust.
    const invalid = await h.putResult({ v: 2, kind: "create-call" } as unknown as CreateCallResult);
    await h.putResult(
      result(request, { status: "created", call: { id: "1", accessHash: "2", rtmp: false } }),
    );
    await h.sandbox.waitForEdit(DEMO.community, ack.id, (m) => m.text?.includes("live now") ?? false);
    // Failed for good at its first attempt (UnrecoverableError), not retried as a crash would be.
    await waitFor(async () => (await invalid.getState()) === "failed", "the invalid result to fail");
    const failed = await h.resultsQueue.getJob(invalid.id ?? "");
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/upgrade|invalid|version/i);
  });

  it("a result produced while the bot is down is delivered when a new instance starts", async () => {
    const { request, ack } = await queued(DEMO.olga, DEMO.community, "/newcall Standup");
    await h.running.stop();
    await h.putResult(
      result(request, { status: "created", call: { id: "1", accessHash: "2", rtmp: false } }),
    );
    expect(h.sandbox.world.getMessage(DEMO.community, ack.id)?.editHistory).toEqual([]);
    await h.restartBot();
    await h.sandbox.waitForEdit(DEMO.community, ack.id, (m) => m.text?.includes("live now") ?? false);
  });
});
