import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createBot } from "@callbot/bot";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { type CallsQueue, createRedisConnection, QUEUE_NAMES } from "@callbot/shared";
import { REDIS_URL, waitFor } from "@callbot/test-support";
import { Queue } from "bullmq";
import { webhookCallback } from "grammy";
import type { Update } from "grammy/types";
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import { capturedLogger } from "./support/pipeline.ts";

/**
 * Checklist line 22. This mounts the product's own bot (createBot: every feature) behind grammY's
 * webhookCallback with a secret token and lets the sandbox deliver to it; startBot's own webhook
 * server (WEBHOOK_URL) is tested in apps/bot/test/webhook.e2e.test.ts.
 */
const SECRET = "faults-webhook-secret";
const capture = new OutputCapture();
let sandbox: Sandbox;
let redis: Redis;
let callsQueue: CallsQueue;
let queues: CallQueues;
let server: Server;
let url: string;
const handled: Update[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ rateLimits: false, webhookRetry: { initialDelayMs: 50, maxDelayMs: 200 } });
  const prefix = `faults-${randomUUID()}`;
  redis = createRedisConnection(REDIS_URL, { role: "producer" });
  callsQueue = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix });
  queues = new CallQueues(REDIS_URL, prefix, capture);
  handled.length = 0;
  const bot = createBot({
    config: {
      botToken: sandbox.info.botToken,
      botApiRoot: sandbox.info.botApiRoot,
      ownerIds: [],
      defaultTimeZone: "UTC",
    },
    logger: capturedLogger(capture, "bot", [sandbox.info.botToken]),
    redis,
    callsQueue,
    prefix,
    observeUpdate: (update) => handled.push(update),
  });
  await bot.init();
  server = createServer(webhookCallback(bot, "http", { secretToken: SECRET }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await callsQueue.close();
  await queues.close({ deleteKeys: true });
  await redis.quit();
  await sandbox.close();
  expect(capture.leaks(secretsOf(sandbox.info))).toEqual([]);
});

const update = (id: number): Update =>
  ({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: WHO.community, type: "supergroup", title: "Demo Community" },
      from: { id: WHO.olga, is_bot: false, first_name: "Olga" },
      text: "/newcall Forged",
      entities: [{ type: "bot_command", offset: 0, length: 8 }],
    },
  }) as Update;

describe("22: webhook requests without the right secret token", () => {
  it.each([
    ["no secret header", {}],
    ["a wrong secret", { "x-telegram-bot-api-secret-token": "guess" }],
  ])("%s: 401, and the update is not handled", async (_case, headers) => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(update(424242)),
    });
    expect(response.status).toBe(401);
    expect(handled).toEqual([]);
    expect(sandbox.counters().botApi.sendMessage).toBeUndefined();
    expect(await queues.callJobs()).toEqual([]);
  });

  it("Telegram (the sandbox) delivering with a wrong secret gets 401 and nothing is handled; with the right one, handled once", async () => {
    await fetch(`${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url, secret_token: "not-the-secret" }),
    });
    await sandbox.sendText({ from: WHO.olga, chatId: WHO.community, text: "/newcall Via webhook" });
    const info = async () =>
      (
        (await (
          await fetch(`${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/getWebhookInfo`)
        ).json()) as {
          result: { last_error_message?: string; pending_update_count: number };
        }
      ).result;
    const failed = await waitFor(async () => {
      const current = await info();
      return current.last_error_message ? current : undefined;
    }, "a refused delivery");
    expect(failed.last_error_message).toMatch(/401/);
    expect(handled).toEqual([]);
    expect(await queues.callJobs()).toEqual([]);

    await fetch(`${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/setWebhook`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url, secret_token: SECRET }),
    });
    const ack = await sandbox.waitForBotMessage(WHO.community, (m) => /Queued: /.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });
    expect(ack.text).toContain("“Via webhook”");
    await waitFor(async () => ((await queues.callJobs()).length === 1 ? true : undefined), "one job");
    expect(handled).toHaveLength(1);
  });
});
