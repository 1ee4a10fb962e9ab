import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { freePort } from "@callbot/test-support";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningBot, startBot } from "../src/start-bot.ts";
import { DEMO, REDIS_URL } from "./support/harness.ts";

const SECRET = "webhook-secret-0123456789abcdef";

describe("webhook mode (WEBHOOK_URL + WEBHOOK_SECRET)", () => {
  let sandbox: Sandbox;
  let running: RunningBot;
  let url: string;

  beforeEach(async () => {
    sandbox = await startSandbox({
      rateLimits: false,
      webhookRetry: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}/telegram-updates`;
    running = await startBot({
      config: {
        botToken: sandbox.info.botToken,
        botApiRoot: sandbox.info.botApiRoot,
        ownerIds: [],
        defaultTimeZone: "UTC",
        redisUrl: REDIS_URL,
        allowRedisEviction: false,
        webhook: { url, secret: SECRET, listen: { host: "127.0.0.1", port } },
      },
      logger: pino({ level: "silent" }),
      prefix: `test-${randomUUID()}`,
      stopStepTimeoutMs: 2_000,
    });
  });
  afterEach(async () => {
    await running.stop();
    await sandbox.close();
  });

  it("registers the webhook with its secret, and Telegram's deliveries are answered", async () => {
    const info = await running.bot.api.getWebhookInfo();
    expect(info.url).toBe(url);
    const sent = await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/help" });
    const reply = await sandbox.waitForBotMessage(DEMO.olga, (m) => m.replyToMessageId === sent.id);
    expect(reply.text).toContain("/newcall");
    // No long polling while the webhook is set.
    expect(sandbox.counters().botApi.getUpdates).toBeUndefined();
  });

  it.each([
    ["a wrong secret", { "X-Telegram-Bot-Api-Secret-Token": "not-the-secret-000000" }],
    ["no secret", {}],
  ])("a POST with %s gets 401 and no update is handled", async (_case, secretHeader) => {
    const forged = {
      update_id: 999_001,
      message: {
        message_id: 77,
        date: Math.floor(Date.now() / 1000),
        chat: { id: DEMO.olga, type: "private", first_name: "Olga" },
        from: { id: DEMO.olga, is_bot: false, first_name: "Olga" },
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...secretHeader },
      body: JSON.stringify(forged),
    });
    expect(response.status).toBe(401);
    expect(sandbox.counters().botApi.sendMessage).toBeUndefined();
    expect(sandbox.botMessages(DEMO.olga)).toEqual([]);
  });
});
