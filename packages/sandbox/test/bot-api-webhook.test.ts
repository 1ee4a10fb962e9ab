import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { freePort, waitFor } from "@callbot/test-support";
import { Bot, webhookCallback } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.ts";
import { DEMO } from "./support/demo-ids.ts";

let sandbox: Sandbox;
let server: Server | undefined;

beforeEach(async () => {
  sandbox = await startSandbox({ rateLimits: false, webhookRetry: { initialDelayMs: 20, maxDelayMs: 100 } });
});

afterEach(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** The bot behind grammY's own webhook handler, which checks the secret token. */
async function serveBotWebhook(bot: Bot, secretToken: string): Promise<string> {
  server = createServer(webhookCallback(bot, "http", { secretToken }));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`;
}

describe("Bot API webhooks with grammY", () => {
  it("POSTs updates with the secret header; grammY handles them and its reply lands", async () => {
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    bot.command("ping", (ctx) => ctx.reply("pong"));
    await bot.init();
    const url = await serveBotWebhook(bot, "s3cret");
    await bot.api.setWebhook(url, { secret_token: "s3cret" });
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 0 });
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/ping" });
    await sandbox.waitForBotMessage(DEMO.olga, (m) => m.text === "pong");
    await waitFor(() => sandbox.counters().botApi.sendMessage === 1, "the bot's answer");
  });

  it("keeps retrying while grammY rejects a wrong secret (401), then delivers once it is right", async () => {
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    const handled: string[] = [];
    bot.on("message:text", (ctx) => {
      handled.push(ctx.message.text);
    });
    await bot.init();
    const url = await serveBotWebhook(bot, "right-secret");
    await bot.api.setWebhook(url, { secret_token: "wrong-secret" });
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "first" });
    const failed = async () => {
      const info = await bot.api.getWebhookInfo();
      return info.last_error_message ? info : undefined;
    };
    await waitFor(async () => (await failed()) !== undefined, "a failed delivery", 5000);
    const info = (await failed())!;
    expect(info.last_error_message).toMatch(/401/);
    expect(info.pending_update_count).toBe(1);
    expect(handled).toEqual([]);

    await bot.api.setWebhook(url, { secret_token: "right-secret" });
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "second" });
    await waitFor(() => handled.length === 2, "both updates, in order", 5000);
    expect(handled).toEqual(["first", "second"]);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);

    await bot.api.deleteWebhook();
    expect((await bot.api.getWebhookInfo()).url).toBe("");
  });

  it("retries a webhook that is down until it comes up", async () => {
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    const handled: string[] = [];
    bot.on("message:text", (ctx) => {
      handled.push(ctx.message.text);
    });
    await bot.init();
    // A port nothing listens on yet: the webhook points there, then the bot starts on it.
    const port = await freePort();
    await bot.api.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: "s" });
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "while down" });
    await waitFor(
      async () => Boolean((await bot.api.getWebhookInfo()).last_error_message),
      "a failed delivery",
    );
    server = createServer(webhookCallback(bot, "http", { secretToken: "s" }));
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    await waitFor(() => handled.length === 1, "the retried update", 5000);
    expect(handled).toEqual(["while down"]);
  });

  it.each([
    [1, "five chats", 1],
    [3, "five chats", 3],
    [3, "one chat", 1],
  ])(
    "with max_connections %i and updates from %s, at most %i deliveries are open at once",
    async (maxConnections, from, expected) => {
      // A webhook that holds every POST for 300 ms: how many are open at once.
      let open = 0;
      let mostOpen = 0;
      const received: number[] = [];
      server = createServer((request, response) => {
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        let body = "";
        request.on("data", (chunk) => {
          body += chunk;
        });
        request.on("end", () => {
          received.push((JSON.parse(body) as { update_id: number }).update_id);
          setTimeout(() => {
            open -= 1;
            response.end("{}");
          }, 300);
        });
      });
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`;
      const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
      await bot.api.setWebhook(url, { max_connections: maxConnections });
      // Five private chats are five delivery queues; one chat's messages are one queue, sent in turn.
      const senders =
        from === "one chat"
          ? [DEMO.olga, DEMO.olga, DEMO.olga, DEMO.olga, DEMO.olga]
          : [DEMO.olga, DEMO.adam, DEMO.nina, DEMO.max, DEMO.sam];
      for (const [i, user] of senders.entries())
        await sandbox.sendText({ from: user, chatId: user, text: `m${i}` });
      await waitFor(
        async () => (await bot.api.getWebhookInfo()).pending_update_count === 0,
        "all delivered",
        5000,
      );
      expect(received).toHaveLength(5);
      if (from === "one chat") expect(received).toEqual([...received].sort((a, b) => a - b));
      expect(mostOpen).toBe(expected);
    },
  );
});

describe("failed webhook deliveries, as telegram-bot-api's WebhookActor retries them", () => {
  /** A webhook that answers each POST with `answer(update)`: a status, and headers. */
  async function serveAnswers(
    answer: (update: { update_id: number; message?: { chat: { id: number }; text?: string } }) => {
      status: number;
      headers?: Record<string, string>;
    },
  ): Promise<string> {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        const { status, headers } = answer(JSON.parse(body));
        response.writeHead(status, headers).end("{}");
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`;
  }

  it("a failing update holds back only its own chat: other chats keep being delivered meanwhile", async () => {
    let olgaAccepted = false;
    const delivered: string[] = [];
    const url = await serveAnswers((update) => {
      const text = update.message?.text ?? "";
      if (update.message?.chat.id === DEMO.olga && !olgaAccepted) return { status: 500 };
      delivered.push(text);
      return { status: 200 };
    });
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    await bot.api.setWebhook(url);
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "olga 1" });
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "olga 2" });
    await waitFor(
      async () => Boolean((await bot.api.getWebhookInfo()).last_error_message),
      "Olga's first update refused",
    );
    await sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "adam 1" });
    await sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "adam 2" });
    await waitFor(() => delivered.length === 2, "the other chat's updates, while Olga's first fails", 5000);
    expect(delivered).toEqual(["adam 1", "adam 2"]);

    olgaAccepted = true;
    await waitFor(() => delivered.length === 4, "Olga's updates once accepted", 5000);
    expect(delivered.slice(2)).toEqual(["olga 1", "olga 2"]);
  });

  it("retries a failed update at once, then waits longer after each failure; a Retry-After sets the wait", async () => {
    const attempts: number[] = [];
    const url = await serveAnswers(() => {
      attempts.push(Date.now());
      if (attempts.length === 4) return { status: 429, headers: { "Retry-After": "1" } };
      return { status: attempts.length <= 4 ? 503 : 200 };
    });
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    await bot.api.setWebhook(url);
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "retried" });
    await waitFor(() => attempts.length === 5, "the fifth attempt, accepted", 10_000);
    const gaps = attempts.slice(1).map((at, i) => at - attempts[i]!);
    // The sandbox's policy here: 20 ms doubling to 100 ms (beforeEach). Only lower bounds: a busy
    // machine makes every gap longer, never shorter.
    expect(gaps[1]).toBeGreaterThanOrEqual(20);
    expect(gaps[2]).toBeGreaterThanOrEqual(40);
    expect(gaps[3]).toBeGreaterThanOrEqual(1000);
    expect((await bot.api.getWebhookInfo()).pending_update_count).toBe(0);
  });
});
