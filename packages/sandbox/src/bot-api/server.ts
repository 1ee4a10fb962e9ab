import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestCounters } from "../counters/request-counters.ts";
import type { FaultInjector } from "../faults/fault-injector.ts";
import type { World } from "../world/world.ts";
import { BotApiAvailability } from "./bot-api-availability.ts";
import type { BotApiState } from "./bot-api-context.ts";
import { BotApiError, toBotApiError, tooManyRequests } from "./bot-api-error.ts";
import { BotCommandStore } from "./bot-commands.ts";
import { CallbackQueries } from "./callback-queries.ts";
import { findMethod } from "./method-table.ts";
import { readRequestBody } from "./read-request-body.ts";
import { RequestParams } from "./request-params.ts";
import { type BotApiRateLimits, DEFAULT_RATE_LIMITS, SendRateLimiter } from "./send-rate-limiter.ts";
import { feedWorldUpdates } from "./update-feed.ts";
import { UpdateQueue } from "./update-queue.ts";
import { DEFAULT_WEBHOOK_RETRY, type WebhookRetryPolicy } from "./webhook-delivery.ts";

export interface BotApiServerOptions {
  world: World;
  faults: FaultInjector;
  counters: RequestCounters;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Send limits; `false` switches them off; partial values override the defaults. */
  rateLimits?: Partial<BotApiRateLimits> | false;
  webhookRetry?: Partial<WebhookRetryPolicy>;
}

export interface BotApiServer {
  /** The apiRoot for grammY: `http://host:port` (no trailing slash). */
  apiRoot: string;
  host: string;
  port: number;
  /** Shared with the control API, which pushes callback queries and reads answers. */
  state: BotApiState;
  close(): Promise<void>;
}

const PATH = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z0-9_]+)\/?$/;

/** Serves the Bot API over HTTP for one World. */
export async function startBotApiServer(options: BotApiServerOptions): Promise<BotApiServer> {
  const { world, faults, counters } = options;
  const updates = new UpdateQueue();
  const state: BotApiState = {
    world,
    updates,
    callbacks: new CallbackQueries(
      `${world.bot.id}`,
      () => world.settings.callbackQueryTimeoutSeconds * 1000,
    ),
    commands: new BotCommandStore(),
    rateLimiter:
      options.rateLimits === false
        ? undefined
        : new SendRateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }),
    webhookRetry: { ...DEFAULT_WEBHOOK_RETRY, ...options.webhookRetry },
    webhook: undefined,
    availability: new BotApiAvailability(),
  };
  const stopFeed = feedWorldUpdates(world, updates);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox");
    const match = PATH.exec(url.pathname);
    if (!match) return send(res, new BotApiError(404, "Not Found"));
    const [, token, methodName] = match;
    if (token !== world.bot.token) return send(res, new BotApiError(401, "Unauthorized"));
    const method = findMethod(methodName!);
    counters.increment("botApi", method?.name ?? methodName!);
    if (!method) return send(res, new BotApiError(404, "Not Found: method not found"));

    const fault = faults.takeBotApi(method.name);
    if (fault?.kind === "429") {
      counters.incrementRateLimited(method.name);
      return send(res, tooManyRequests(fault.retryAfter));
    }
    if (fault?.kind === "5xx") {
      const status = fault.status ?? 500;
      return send(res, new BotApiError(status, status === 502 ? "Bad Gateway" : "Internal Server Error"));
    }
    if (fault?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, fault.ms));

    const disconnected = new AbortController();
    res.on("close", () => disconnected.abort());
    try {
      const params = RequestParams.fromSources(url.searchParams, await readRequestBody(req));
      const result = await method.fn(state, { params, signal: disconnected.signal });
      sendJson(res, 200, { ok: true, result });
    } catch (error) {
      const apiError = toBotApiError(error);
      if (apiError?.errorCode === 429) counters.incrementRateLimited(method.name);
      if (apiError) return send(res, apiError);
      console.error("[sandbox bot-api] internal error in", method.name, error);
      send(res, new BotApiError(500, "Internal Server Error"));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      console.error("[sandbox bot-api] request failed", error);
      if (!res.headersSent) send(res, new BotApiError(500, "Internal Server Error"));
    });
  });
  // An outage: connections are cut on accept, and the ones open (held long polls) at once.
  server.on("connection", (socket) => {
    if (state.availability.isDown()) socket.destroy();
  });
  state.availability.on("down", () => server.closeAllConnections());
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    apiRoot: `http://${host}:${port}`,
    host,
    port,
    state,
    close() {
      closing ??= (async () => {
        stopFeed();
        await state.webhook?.stop();
        state.webhook = undefined;
        updates.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

function send(res: ServerResponse, error: BotApiError): void {
  sendJson(res, error.errorCode, error.toJSON());
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
