import { createServer, type Server } from "node:http";
import type { BotWebhookConfig } from "@callbot/shared";
import { type Bot, type Context, webhookCallback } from "grammy";
import type { Logger } from "pino";

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
  allowedUpdates: readonly ("message" | "channel_post" | "callback_query")[];
  logger: Logger;
}

/**
 * Webhook mode: an HTTP server for Telegram's POSTs (behind the operator's HTTPS proxy) and
 * setWebhook with a secret token. grammY's webhookCallback answers 401 to a request whose
 * X-Telegram-Bot-Api-Secret-Token is wrong or missing, before any handler runs.
 */
export async function startWebhookServer(options: StartWebhookServerOptions): Promise<WebhookServer> {
  const { bot, webhook, logger } = options;
  const path = new URL(webhook.url).pathname;
  const handleUpdate = webhookCallback(bot, "http", {
    secretToken: webhook.secret,
    // Telegram waits about 10 s before it retries a delivery; answer before that and let the
    // handler finish on its own (the replay claim stops a retried /newcall from queueing twice).
    onTimeout: "return",
    timeoutMilliseconds: 8_000,
  });
  const server: Server = createServer((request, response) => {
    if (request.method !== "POST" || request.url !== path) {
      response.writeHead(404).end();
      return;
    }
    handleUpdate(request, response).catch((error: unknown) => {
      logger.warn({ err: error }, "webhook update failed");
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
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
    allowed_updates: [...options.allowedUpdates],
  });
  logger.info({ url: webhook.url, port }, "webhook set");

  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
