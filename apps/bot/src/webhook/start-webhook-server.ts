import { createServer, type Server } from "node:http";
import type { BotWebhookConfig } from "@callbot/shared";
import { type Bot, type Context, webhookCallback } from "grammy";
import type { Logger } from "pino";
import { boundedHttpAdapter, WebhookBodyTooLargeError } from "./bounded-http-adapter.ts";

export interface WebhookServer {
  /** The port it listens on (useful when the configured port was 0). */
  port: number;
  /** Stops accepting requests and waits for open ones; Telegram keeps updates meanwhile. */
  close(): Promise<void>;
}

export interface StartWebhookServerOptions {
  bot: Bot<Context>;
  webhook: BotWebhookConfig;
  /** The update types to ask Telegram for, as with long polling. */
  allowedUpdates: readonly ("message" | "channel_post" | "callback_query" | "my_chat_member")[];
  logger: Logger;
  limits?: Partial<WebhookServerLimits>;
}

/** Bounds on what one request may cost; tests shorten them. */
export interface WebhookServerLimits {
  /**
   * Largest accepted body. An update is a few kilobytes (a message of 4096 characters with its
   * entities, a reply, a keyboard); 1 MB leaves a wide margin. @defaultValue 1_048_576
   */
  maxBodyBytes: number;
  /**
   * Time to receive a request's headers and body (Node's default is 300 s); Telegram sends the
   * whole update at once. @defaultValue 10_000
   */
  requestTimeoutMs: number;
  /** How often Node checks the timeout above (its default is every 30 s). @defaultValue 1_000 */
  timeoutCheckIntervalMs: number;
  /**
   * Open connections at once. Telegram opens at most 40 by default (setWebhook's
   * max_connections, 100 at most). @defaultValue 100
   */
  maxConnections: number;
}

/**
 * setWebhook's max_connections when WEBHOOK_MAX_CONNECTIONS is unset: the most Telegram allows
 * (its own default is 40). Telegram sends one update per connection and waits for the answer, and
 * the answer comes when the update has been handled (so a crash mid-update means a redelivery,
 * not a lost request): the bot's webhook throughput is at most max_connections ÷ the time an
 * update takes, and every replica behind the URL shares these connections. The updates mostly
 * wait on Redis and the Bot API, not the CPU, so more at once is more throughput; the server
 * below accepts 100 connections.
 */
export const DEFAULT_WEBHOOK_MAX_CONNECTIONS = 100;

export const DEFAULT_WEBHOOK_SERVER_LIMITS: WebhookServerLimits = {
  maxBodyBytes: 1_048_576,
  requestTimeoutMs: 10_000,
  timeoutCheckIntervalMs: 1_000,
  maxConnections: 100,
};

/**
 * Webhook mode: an HTTP server for Telegram's POSTs (behind the operator's HTTPS proxy) and
 * setWebhook with a secret token. grammY's webhookCallback answers 401 to a request whose
 * X-Telegram-Bot-Api-Secret-Token is wrong or missing, before any handler runs. Each request is
 * bounded (WebhookServerLimits): its body size, the time to receive it, and open connections.
 *
 * It listens on WEBHOOK_LISTEN, by default 127.0.0.1:8080: plain HTTP, which Telegram does not
 * accept (it needs HTTPS on port 443, 80, 88 or 8443), so a TLS proxy on the same host always
 * sits in front, and nothing else should reach the server. Behind a proxy on another host or
 * container, set WEBHOOK_LISTEN=0.0.0.0:8080 and firewall it.
 */
export async function startWebhookServer(options: StartWebhookServerOptions): Promise<WebhookServer> {
  const { bot, webhook, logger } = options;
  const limits = { ...DEFAULT_WEBHOOK_SERVER_LIMITS, ...options.limits };
  const path = new URL(webhook.url).pathname;
  const handleUpdate = webhookCallback(bot, boundedHttpAdapter(limits.maxBodyBytes), {
    secretToken: webhook.secret,
    // An update still running after 8 s is answered and finishes on its own, so one slow update
    // does not hold its connection (Telegram drops a connection unanswered for 60 s and delivers
    // the update again; the replay claim would stop a retried /newcall from queueing twice).
    onTimeout: "return",
    timeoutMilliseconds: 8_000,
  });
  const server: Server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: Math.min(limits.requestTimeoutMs, 60_000),
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    },
    (request, response) => {
      if (request.method !== "POST" || request.url !== path) {
        response.writeHead(404).end();
        return;
      }
      handleUpdate(request, response).catch((error: unknown) => {
        if (error instanceof WebhookBodyTooLargeError) {
          logger.warn({ maxBodyBytes: error.maxBytes }, "webhook request refused: body too large");
          // The rest of the body is not read: close the connection rather than drain it.
          response.writeHead(413, { Connection: "close" }).end(() => request.destroy());
          return;
        }
        logger.warn({ err: error }, "webhook update failed");
        if (!response.headersSent) response.writeHead(500).end();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(webhook.listen.port, webhook.listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : webhook.listen.port;
  await bot.api.setWebhook(webhook.url, {
    secret_token: webhook.secret,
    max_connections: webhook.maxConnections ?? DEFAULT_WEBHOOK_MAX_CONNECTIONS,
    allowed_updates: [...options.allowedUpdates],
  });
  logger.info(
    { url: webhook.url, port, maxConnections: webhook.maxConnections ?? DEFAULT_WEBHOOK_MAX_CONNECTIONS },
    "webhook set",
  );

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
