import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { DEMO, freePort, REDIS_URL } from "@callbot/test-support";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningBot, type StartBotOptions, startBot } from "../src/start-bot.ts";
import { DEFAULT_WEBHOOK_SERVER_LIMITS } from "../src/webhook/start-webhook-server.ts";

const SECRET = "webhook-secret-0123456789abcdef";

describe("webhook mode (WEBHOOK_URL + WEBHOOK_SECRET)", () => {
  let sandbox: Sandbox;
  let running: RunningBot;
  let url: string;

  /** The sandbox and the bot in webhook mode on a free local port. */
  async function startWebhookBot(webhookLimits?: StartBotOptions["webhookLimits"]): Promise<void> {
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
      ...(webhookLimits && { webhookLimits }),
    });
  }
  beforeEach(async (context) => {
    // Checklist 40's request-time test needs short timeouts; every other test runs with the defaults.
    await startWebhookBot(
      context.task.name.includes("40:")
        ? { requestTimeoutMs: 1_000, timeoutCheckIntervalMs: 100 }
        : undefined,
    );
  });
  afterEach(async () => {
    await running.stop();
    await sandbox.close();
  });

  it("registers the webhook with its secret, and Telegram's deliveries are answered", async () => {
    const info = await running.bot.api.getWebhookInfo();
    expect(info.url).toBe(url);
    // Telegram's default (40) would cap every replica behind the URL together at 40 updates at once.
    expect(info.max_connections).toBe(100);
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

  /** A delivery of /help from Olga with the right secret, as Telegram would POST it. */
  const helpUpdate = (updateId: number) => ({
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: DEMO.olga, type: "private", first_name: "Olga" },
      from: { id: DEMO.olga, is_bot: false, first_name: "Olga" },
      text: "/help",
      entities: [{ type: "bot_command", offset: 0, length: 5 }],
    },
  });

  it("40: a body over 1 MB, declared or streamed without a length, gets 413 and is not handled; the next delivery is", async () => {
    const max = DEFAULT_WEBHOOK_SERVER_LIMITS.maxBodyBytes;
    // Valid JSON of an update, padded past the limit, so only its size can be the reason.
    const padded = JSON.stringify({ ...helpUpdate(1), padding: "x".repeat(max) });
    const declared = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET },
      body: padded,
    });
    expect(declared.status).toBe(413);

    const streamed = await postChunked(url, padded);
    expect(streamed).toBe(413);
    expect(sandbox.botMessages(DEMO.olga)).toEqual([]);

    // Telegram's own delivery of a real message still gets through.
    const sent = await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/help" });
    const reply = await sandbox.waitForBotMessage(DEMO.olga, (m) => m.replyToMessageId === sent.id);
    expect(reply.text).toContain("/newcall");
  });

  it("40: a request whose body never finishes is cut off after the request timeout", async () => {
    const { port } = new URL(url);
    const socket = connect(Number(port), "127.0.0.1");
    await once(socket, "connect");
    const started = Date.now();
    socket.write(
      `POST /telegram-updates HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${SECRET}\r\nContent-Length: 1000\r\n\r\n{"update_id":`,
    );
    socket.resume();
    // Node's own default would keep it open for 300 s.
    await Promise.race([
      once(socket, "close"),
      new Promise((_, reject) => setTimeout(() => reject(new Error("still open after 10 s")), 10_000)),
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(sandbox.botMessages(DEMO.olga)).toEqual([]);
  });
});

/** POSTs a body with chunked transfer encoding (no Content-Length) and returns the status. */
function postChunked(target: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    // The server may close the connection before the whole body is written.
    request.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error),
    );
    const chunk = 64 * 1024;
    for (let at = 0; at < body.length; at += chunk) request.write(body.slice(at, at + chunk));
    request.end();
  });
}
