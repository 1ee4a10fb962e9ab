import {
  assertRedisReachable,
  type BotConfig,
  type CallsQueue,
  checkRedisAtStartUp,
  createRedisConnection,
  type MetricsServer,
  observeJobDurations,
  QUEUE_NAMES,
  quitRedis,
  REDIS_CONNECT_TIMEOUT_MS,
  ResultsMessageSchema,
  registerQueueCountGauge,
  settleWithin,
  startMetricsServer,
  waitUntilReady,
} from "@callbot/shared";
import { run } from "@grammyjs/runner";
import { Queue, type Worker } from "bullmq";
import { Api, type Bot, type Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { startCallFollowers } from "./announcements/start-call-followers.ts";
import { type BotLimits, DEFAULT_BOT_LIMITS, replicatedRedisLimits } from "./bot-limits.ts";
import { CallsRegistry } from "./calls-registry/calls-registry.ts";
import { type Clock, systemClock } from "./clock.ts";
import { createBotWithServices } from "./create-bot.ts";
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
  /**
   * First pause before a failed call job is tried again (doubling after each try); tests shorten
   * it. @defaultValue CALL_JOB_DEFAULTS.backoff.delay (2000)
   */
  callJobBackoffMs?: number;
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
  /** The reminders queue (🔔 Remind me): tests and the bench wait on it. */
  remindersQueue: Queue;
  /** The calls registry; what it saves is followed by announcements, reminders and end-when-empty. */
  callsRegistry: CallsRegistry;
  /** Stops polling, lets in-flight updates and results finish, closes Redis. Idempotent; bounded in time. */
  stop(): Promise<void>;
}

/**
 * The updates the bot handles, asked for in long polling and in setWebhook alike. my_chat_member
 * (the bot was added to a chat, or its rights changed) starts /setup's checklist by itself.
 */
const ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"] as const;
const GET_UPDATES_RETRY_MS = 1_000;

/**
 * Starts the whole bot process in-process: Redis checks, the calls queue, the results consumer,
 * command registration and polling. main.ts and the end-to-end tests both use this.
 *
 * @example
 * const running = await startBot({ config, logger, prefix: `test-${randomUUID()}` });
 * // ...
 * await running.stop();
 */
export async function startBot(options: StartBotOptions): Promise<RunningBot> {
  const { config, logger } = options;
  const { prefix } = options;
  const clock = options.clock ?? systemClock;
  const stepTimeoutMs = options.stopStepTimeoutMs ?? 5_000;
  const limits = { ...DEFAULT_BOT_LIMITS, ...replicatedRedisLimits(config.redisUrl), ...options.limits };

  await assertRedisReachable(config.redisUrl);
  // The bot's own commands (ledger, registry, caches) and BullMQ's queues get a connection each:
  // BullMQ defines its Lua scripts as commands on the connection it is given, and ioredis copies
  // every defined command into each MULTI and pipeline made on that connection, so the bot's own
  // MULTIs and batched writes would each copy about a hundred of them.
  const redis = createRedisConnection(config.redisUrl, {
    role: "producer",
    connectionName: "callbot-bot",
    autoPipelining: true,
  });
  const queueConnection = createRedisConnection(config.redisUrl, {
    role: "producer",
    connectionName: "callbot-bot-queues",
  });
  const workerConnection = createRedisConnection(config.redisUrl, {
    role: "worker",
    connectionName: "callbot-bot-results",
  });
  redis.on("error", (error) => logger.warn({ err: error }, "Redis connection error (bot)"));
  queueConnection.on("error", (error) => logger.warn({ err: error }, "Redis connection error (queues)"));
  workerConnection.on("error", (error) => logger.warn({ err: error }, "Redis connection error (results)"));
  const closeRedis = () =>
    Promise.all([
      quitRedis(redis, stepTimeoutMs),
      quitRedis(queueConnection, stepTimeoutMs),
      quitRedis(workerConnection, stepTimeoutMs),
    ]);

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
    await checkRedisAtStartUp(redis, { allowEviction: config.allowRedisEviction, logger });
    // The queues' connection too, before the first update: it has no offline queue, so an add
    // sent while it still connects (a Cluster client learns the slots first) would fail.
    await waitUntilReady(queueConnection, 2 * REDIS_CONNECT_TIMEOUT_MS);
    callsQueue = new Queue(QUEUE_NAMES.calls, {
      connection: queueConnection,
      prefix,
      ...(options.callJobBackoffMs !== undefined && {
        defaultJobOptions: { backoff: { type: "exponential", delay: options.callJobBackoffMs } },
      }),
    });
    callsQueue.on("error", (error) => logger.warn({ err: error }, "calls queue error"));
    if (metricsServer || config.dashboard) {
      resultsQueue = new Queue(QUEUE_NAMES.results, { connection: queueConnection, prefix });
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
    const ledger = createRequestLedger({ redis, keys: botKeys(prefix), prefix, callsQueue, limits });
    const { bot, services } = createBotWithServices({
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
      limits,
      ...(options.observeUpdate !== undefined && { observeUpdate: options.observeUpdate }),
      ...(options.botApiRetry !== undefined && { botApiRetry: options.botApiRetry }),
      // Long polling here: this process is the bot token's one consumer, so no lock in Redis.
      chatLock: { scope: config.webhook || options.polling === false ? "replicas" : "process" },
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
      // The features' own calendar: its listeners hear the results consumer's changes too.
      calendar: services,
      calls: {
        calendar: services.calendar,
        redis,
        keys: services.keys,
        registry: callsRegistry,
        callsQueue,
        ownerIds: config.ownerIds,
        // The features' own: a redrawn private /calls lists the chats its viewer manages.
        authorise: services.authorise,
        timeZones,
      },
    });
    countReports(resultsWorker, metrics);
    // Announcements, reminders and end-when-empty follow every change the registry saves.
    const followers = startCallFollowers({
      api: bot.api,
      // Reminder sends pause the whole reminders queue on a 429 rather than sleep inside a call.
      sendApi: new Api(config.botToken, config.botApiRoot ? { apiRoot: config.botApiRoot } : undefined),
      redis,
      connection: workerConnection,
      prefix,
      registry: callsRegistry,
      callsQueue,
      defaultTimeZone: config.defaultTimeZone,
      clock,
      logger,
      reminderLimits: {
        minuteMs: limits.reminderMinuteMs,
        sendsPerSecond: limits.reminderSendsPerSecond,
      },
    });
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
      queueTimeoutMs: limits.queueTimeoutMs,
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
        if (runner?.isRunning()) await settleWithin(runner.stop(), stepTimeoutMs, "polling to stop", logger);
        if (webhook)
          await settleWithin(webhook.close(), stepTimeoutMs, "the webhook server to close", logger);
        // Updates already fetched finish: a /newcall is answered and queued, or not started at all.
        // Unconfirmed updates are fetched again by the next start (the replay claim stops doubles).
        await settleWithin(inFlight.idle(), stepTimeoutMs, "in-flight updates to finish", logger);
        // Let a result being delivered finish; one that does not finish in time is handed back
        // to Redis (its lock expires) and delivered by the next start.
        const closedGracefully = await settleWithin(
          resultsWorker.close(),
          stepTimeoutMs,
          "the results consumer to close",
          logger,
        );
        if (!closedGracefully)
          await settleWithin(
            resultsWorker.close(true),
            stepTimeoutMs,
            "the results consumer to close by force",
            logger,
          );
        await settleWithin(followers.close(), stepTimeoutMs, "the reminders to close", logger);
        await settleWithin(queue.close(), stepTimeoutMs, "the calls queue to close", logger);
        if (dashboard) await settleWithin(dashboard.close(), stepTimeoutMs, "the dashboard to close", logger);
        if (resultsQueue)
          await settleWithin(resultsQueue.close(), stepTimeoutMs, "the results queue to close", logger);
        if (metricsServer)
          await settleWithin(metricsServer.close(), stepTimeoutMs, "the metrics server to close", logger);
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
      remindersQueue: followers.reminders.queue,
      callsRegistry,
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
