import {
  assertRedisReachable,
  type BotConfig,
  type CallsQueue,
  checkMaxmemoryPolicy,
  createRedisConnection,
  type MetricsServer,
  observeJobDurations,
  QUEUE_NAMES,
  REDIS_CONNECT_TIMEOUT_MS,
  ResultsMessageSchema,
  registerQueueCountGauge,
  startMetricsServer,
} from "@callbot/shared";
import { run } from "@grammyjs/runner";
import { Queue, type Worker } from "bullmq";
import type { Bot, Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { createAuthoriser } from "./auth/authorise-requester.ts";
import { type BotLimits, DEFAULT_BOT_LIMITS } from "./bot-limits.ts";
import { CallsRegistry } from "./calls-registry/calls-registry.ts";
import { type Clock, systemClock } from "./clock.ts";
import { createBot } from "./create-bot.ts";
import { type RunningDashboard, startDashboard } from "./dashboard/start-dashboard.ts";
import { BOT_COMMANDS } from "./features/help-text.ts";
import { InFlightUpdates } from "./in-flight-updates.ts";
import { createBotMetrics } from "./metrics/bot-metrics.ts";
import { botReadiness } from "./metrics/bot-readiness.ts";
import { countBotApiRequests } from "./metrics/count-bot-api-requests.ts";
import { countReports } from "./metrics/count-reports.ts";
import { publishOperators } from "./operators/publish-operators.ts";
import { botKeys } from "./redis/bot-keys.ts";
import { createRequestLedger } from "./requests/request-ledger.ts";
import { consumeResults } from "./results/consume-results.ts";
import type { BotApiRetryOptions } from "./telegram/bot-api-retries.ts";
import { createUserTimeZones } from "./timezone/user-time-zones.ts";
import { startWebhookServer, type WebhookServerLimits } from "./webhook/start-webhook-server.ts";

export interface StartBotOptions {
  config: Pick<
    BotConfig,
    | "botToken"
    | "botApiRoot"
    | "ownerIds"
    | "defaultTimeZone"
    | "redisUrl"
    | "allowRedisEviction"
    | "webhook"
    | "metricsListen"
    | "dashboard"
  >;
  logger: Logger;
  /**
   * BullMQ prefix and the bot's key prefix: config.queuePrefix (QUEUE_PREFIX, default `callbot`),
   * the worker's too. Tests pass a unique one.
   */
  prefix: string;
  clock?: Clock;
  botInfo?: UserFromGetMe;
  limits?: Partial<BotLimits>;
  observeUpdate?: (update: Update) => void;
  /** Long polling with @grammyjs/runner. False: the caller feeds updates with bot.handleUpdate. @defaultValue true */
  polling?: boolean;
  /** Upper bound for each step of stop(). @defaultValue 5000 */
  stopStepTimeoutMs?: number;
  /** Webhook mode's request bounds. @defaultValue DEFAULT_WEBHOOK_SERVER_LIMITS */
  webhookLimits?: Partial<WebhookServerLimits>;
  /** How Bot API calls are retried (429, 5xx, network); tests shorten the waits. */
  botApiRetry?: Partial<BotApiRetryOptions>;
}

export interface RunningBot {
  bot: Bot<Context>;
  callsQueue: CallsQueue;
  resultsWorker: Worker;
  /** The bot's fail-fast Redis connection (for health checks). */
  redis: Redis;
  /** In webhook mode, the port the webhook server listens on. */
  webhookPort?: number;
  /** With config.metricsListen, the port of /healthz, /readyz and /metrics. */
  metricsPort?: number;
  /** With config.dashboard, the port of the queue dashboard. */
  dashboardPort?: number;
  /** Stops polling, lets in-flight updates and results finish, closes Redis. Idempotent; bounded in time. */
  stop(): Promise<void>;
}

/**
 * Starts the whole bot process in-process: Redis checks, the calls queue, the results consumer,
 * command registration and polling. main.ts and the end-to-end tests both use this.
 *
 * @example
 * const running = await startBot({ config, logger, prefix: `test-${randomUUID()}` });
 * // ...
 * await running.stop();
 */
/**
 * The updates the bot handles, asked for in long polling and in setWebhook alike. my_chat_member
 * (the bot was added to a chat, or its rights changed) starts /setup's checklist by itself.
 */
const ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"] as const;
const GET_UPDATES_RETRY_MS = 1_000;

export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const { prefix } = options;
  const clock = options.clock ?? systemClock;
  const stepTimeoutMs = options.stopStepTimeoutMs ?? 5_000;

  await assertRedisReachable(config.redisUrl);
  const redis = createRedisConnection(config.redisUrl, { role: "producer", connectionName: "callbot-bot" });
  const workerConnection = createRedisConnection(config.redisUrl, {
    role: "worker",
    connectionName: "callbot-bot-results",
  });
  redis.on("error", (error) => logger.warn({ err: error }, "Redis connection error (bot)"));
  workerConnection.on("error", (error) => logger.warn({ err: error }, "Redis connection error (results)"));
  const closeRedis = () => Promise.all([quit(redis, stepTimeoutMs), quit(workerConnection, stepTimeoutMs)]);

  const metrics = createBotMetrics();
  let botApiAnswered = false;
  let callsQueue: CallsQueue | undefined;
  /** Only read (job counts for /metrics, jobs for the dashboard); the results are consumed by resultsWorker. */
  let resultsQueue: Queue | undefined;
  let metricsServer: MetricsServer | undefined;
  let dashboard: RunningDashboard | undefined;
  try {
    // First: /healthz answers, and /readyz says what is missing, while the rest starts.
    if (config.metricsListen) {
      metricsServer = await startMetricsServer({
        listen: config.metricsListen,
        registry: metrics.registry,
        logger,
        readiness: () => botReadiness({ redis, botApiAnswered: () => botApiAnswered }),
      });
    }
    await waitUntilReady(redis, 2 * REDIS_CONNECT_TIMEOUT_MS);
    await checkMaxmemoryPolicy(redis, {
      allowEviction: config.allowRedisEviction,
      warn: (message) => logger.warn(message),
    });
    callsQueue = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix });
    callsQueue.on("error", (error) => logger.warn({ err: error }, "calls queue error"));
    if (metricsServer || config.dashboard) {
      resultsQueue = new Queue(QUEUE_NAMES.results, { connection: redis, prefix });
      resultsQueue.on("error", (error) => logger.warn({ err: error }, "results queue error"));
    }
    if (metricsServer && resultsQueue)
      registerQueueCountGauge(metrics.registry, { calls: callsQueue, results: resultsQueue });
    if (config.dashboard && resultsQueue)
      dashboard = await startDashboard({
        config: config.dashboard,
        queues: { calls: callsQueue, results: resultsQueue },
        logger,
      });

    const inFlight = new InFlightUpdates();
    // One zone store and one registry for the bot and the results consumer: they share a memory cache.
    const timeZones = createUserTimeZones({ redis, prefix, defaultTimeZone: config.defaultTimeZone, clock });
    const callsRegistry = new CallsRegistry(redis, prefix, clock, logger);
    const ledger = createRequestLedger({
      redis,
      keys: botKeys(prefix),
      prefix,
      callsQueue,
      limits: { ...DEFAULT_BOT_LIMITS, ...options.limits },
    });
    const bot = createBot({
      timeZones,
      callsRegistry,
      ledger,
      inFlight,
      config,
      logger,
      redis,
      callsQueue,
      prefix,
      clock,
      ...(options.botInfo !== undefined && { botInfo: options.botInfo }),
      ...(options.limits !== undefined && { limits: options.limits }),
      ...(options.observeUpdate !== undefined && { observeUpdate: options.observeUpdate }),
      ...(options.botApiRetry !== undefined && { botApiRetry: options.botApiRetry }),
    });
    // Outermost (installed after createBot's retries): a retried call counts once, as it ended.
    bot.api.config.use(countBotApiRequests(metrics));
    // Before anything is queued: the worker's re-check reads who the operators are from it.
    const stopPublishingOperators = await publishOperators({
      redis,
      prefix,
      ownerIds: config.ownerIds,
      clock,
      logger,
    });
    await bot.init(); // one getMe at start-up (none when botInfo was given), never per update
    botApiAnswered = true;
    await bot.api.setMyCommands(BOT_COMMANDS);

    const resultsWorker = consumeResults({
      api: bot.api,
      connection: workerConnection,
      redis,
      prefix,
      botUsername: bot.botInfo.username,
      botId: bot.botInfo.id,
      ownerIds: config.ownerIds,
      clock,
      logger,
      calls: {
        redis,
        keys: botKeys(prefix),
        registry: callsRegistry,
        callsQueue,
        ownerIds: config.ownerIds,
        // A redrawn private /calls lists the chats its viewer manages.
        authorise: createAuthoriser({
          api: bot.api,
          redis,
          keys: botKeys(prefix),
          ownerIds: config.ownerIds,
          ttlSeconds: { ...DEFAULT_BOT_LIMITS, ...options.limits }.memberCacheSeconds,
        }),
        timeZones,
      },
    });
    countReports(resultsWorker, metrics);
    observeJobDurations({
      registry: metrics.registry,
      queue: "results",
      worker: resultsWorker,
      knownNames: ResultsMessageSchema.options.map((message) => message.shape.kind.value),
    });
    // Requests an earlier process answered "queued" but died before queueing.
    await ledger.recover({
      callsQueue,
      logger,
      queueTimeoutMs: { ...DEFAULT_BOT_LIMITS, ...options.limits }.queueTimeoutMs,
    });
    const webhook = config.webhook
      ? await startWebhookServer({
          bot,
          webhook: config.webhook,
          allowedUpdates: ALLOWED_UPDATES,
          logger,
          ...(options.webhookLimits && { limits: options.webhookLimits }),
        })
      : undefined;
    if (!webhook && options.polling !== false) {
      // Long polling needs the webhook gone (Telegram answers getUpdates with 409 while one is set).
      await bot.api.deleteWebhook();
    }
    const runner =
      webhook || options.polling === false
        ? undefined
        : run(bot, {
            runner: {
              fetch: { allowed_updates: [...ALLOWED_UPDATES] },
              // A failed getUpdates is tried again every second, not with the runner's default
              // backoff (100 ms doubling without a cap), so updates flow within a second or two
              // of a Bot API outage ending, however long it lasted. Failures are logged by the
              // Bot API retries (bot-api-retries.ts), not printed by the runner.
              retryInterval: GET_UPDATES_RETRY_MS,
              silent: true,
            },
          });
    logger.info({ username: bot.botInfo.username, prefix }, "bot started");

    const queue = callsQueue;
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        logger.info("bot stopping");
        stopPublishingOperators();
        if (runner?.isRunning()) await bounded(runner.stop(), stepTimeoutMs, "stop polling", logger);
        if (webhook) await bounded(webhook.close(), stepTimeoutMs, "close webhook server", logger);
        // Updates already fetched finish: a /newcall is answered and queued, or not started at all.
        // Unconfirmed updates are fetched again by the next start (the replay claim stops doubles).
        await bounded(inFlight.idle(), stepTimeoutMs, "finish in-flight updates", logger);
        // Let a result being delivered finish; one that does not finish in time is handed back
        // to Redis (its lock expires) and delivered by the next start.
        const closedGracefully = await bounded(resultsWorker.close(), stepTimeoutMs, "close results", logger);
        if (!closedGracefully)
          await bounded(resultsWorker.close(true), stepTimeoutMs, "force close results", logger);
        await bounded(queue.close(), stepTimeoutMs, "close calls queue", logger);
        if (dashboard) await bounded(dashboard.close(), stepTimeoutMs, "close dashboard", logger);
        if (resultsQueue) await bounded(resultsQueue.close(), stepTimeoutMs, "close results queue", logger);
        if (metricsServer)
          await bounded(metricsServer.close(), stepTimeoutMs, "close metrics server", logger);
        await closeRedis();
        logger.info("bot stopped");
      })();
      return stopping;
    };
    return {
      bot,
      callsQueue: queue,
      resultsWorker,
      redis,
      stop,
      ...(webhook && { webhookPort: webhook.port }),
      ...(metricsServer && { metricsPort: metricsServer.port }),
      ...(dashboard && { dashboardPort: dashboard.port }),
    };
  } catch (error) {
    await dashboard?.close();
    await callsQueue?.close().catch(() => undefined);
    await resultsQueue?.close().catch(() => undefined);
    await metricsServer?.close();
    await closeRedis();
    throw error;
  }
}

/** The connection reconnects for ever; at start-up, a Redis that vanished right after the check is an error. */
function waitUntilReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      redis.off("end", onEnd);
      if (error) reject(error);
      else resolve();
    };
    const onReady = () => done();
    const onEnd = () => done(new Error("Redis connection closed before it was ready"));
    const timer = setTimeout(() => done(new Error(`Redis was not ready within ${timeoutMs} ms`)), timeoutMs);
    redis.once("ready", onReady);
    redis.once("end", onEnd);
  });
}

/** Waits for a shutdown step at most `ms`; true when it finished in time. Failures are logged, not thrown. */
async function bounded(step: Promise<unknown>, ms: number, name: string, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    const result = await Promise.race([step.then(() => "done" as const), timeout]);
    if (result === "timeout") logger.warn({ step: name, ms }, "shutdown step timed out");
    return result === "done";
  } catch (error) {
    logger.warn({ err: error, step: name }, "shutdown step failed");
    return false;
  } finally {
    clearTimeout(timer);
  }
}

async function quit(redis: Redis, ms: number): Promise<void> {
  if (redis.status === "end") return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.quit(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("quit timed out")), ms);
      }),
    ]);
  } catch {
    redis.disconnect(); // Redis is gone or slow: drop the socket rather than wait.
  } finally {
    clearTimeout(timer);
  }
}
