import type { BotConfig, CallsQueue } from "@callbot/shared";
import { Bot, type Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type BotLimits, DEFAULT_BOT_LIMITS } from "./bot-limits.ts";
import { type BotServices, createBotServices } from "./bot-services.ts";
import type { CalendarDeps } from "./calendar/place-call.ts";
import { CallsRegistry } from "./calls-registry/calls-registry.ts";
import { chatMigrationFollower } from "./chats/follow-chat-migration.ts";
import { type Clock, systemClock } from "./clock.ts";
import { createAutostartDefaultFeature } from "./features/autostart-default.ts";
import { createCalendarFeature } from "./features/calendar.ts";
import { createCallAnnouncementsFeature } from "./features/call-announcements.ts";
import { createCallPromptsFeature } from "./features/call-prompts.ts";
import { createCallsFeature } from "./features/calls.ts";
import { createChatMigrationFeature } from "./features/chat-migration.ts";
import { createGuidedNewCallFeature } from "./features/guided-newcall.ts";
import { createInCallControlsFeature } from "./features/in-call-controls.ts";
import { createNewCallFeature } from "./features/newcall.ts";
import { createRemindMeFeature } from "./features/remind-me.ts";
import { createSetupFeature } from "./features/setup.ts";
import { createStartHelpFeature } from "./features/start-help.ts";
import { createStatusFeature } from "./features/status.ts";
import { createStopRecurringFeature } from "./features/stop-recurring.ts";
import { createTimeZoneFeature, preloadTimeZone } from "./features/timezone.ts";
import { createUnhandledFeature } from "./features/unhandled.ts";
import type { InFlightUpdates } from "./in-flight-updates.ts";
import { CallPrompts } from "./prompts/call-prompts.ts";
import type { RequestLedger } from "./requests/request-ledger.ts";
import { ChatLock, type ChatLockOptions } from "./serialise/chat-lock.ts";
import { answerLatePressesAsMessages } from "./telegram/answer-late-presses.ts";
import {
  type BotApiRetryOptions,
  DEFAULT_BOT_API_RETRY,
  installBotApiRetries,
} from "./telegram/bot-api-retries.ts";
import { rateLimitWait, tellRateLimited } from "./telegram/tell-rate-limited.ts";
import { throttleUpdates } from "./throttle/throttle-updates.ts";
import { createUserTimeZones, type UserTimeZones } from "./timezone/user-time-zones.ts";

export interface CreateBotOptions {
  config: Pick<BotConfig, "botToken" | "botApiRoot" | "botApiRetryDelayMs" | "ownerIds" | "defaultTimeZone">;
  logger: Logger;
  /** A fail-fast ("producer") connection: caches, limits, replay claims. */
  redis: Redis;
  /** The calls queue /newcall adds to. */
  callsQueue: CallsQueue;
  /** Key prefix for the bot's own Redis keys; the same as the BullMQ prefix. */
  prefix: string;
  clock?: Clock;
  /** Skips getMe when known (tests, or a second instance). */
  botInfo?: UserFromGetMe;
  limits?: Partial<BotLimits>;
  /** Sees every update before the features do; tests capture updates with it to replay them. */
  observeUpdate?: (update: Update) => void;
  /** Counts updates being handled, for a graceful shutdown. */
  inFlight?: InFlightUpdates;
  /** Users' time zones; shared with the results consumer. Default: a new store on `redis`. */
  timeZones?: UserTimeZones;
  /** How Bot API calls are retried (429, 5xx, network); tests shorten the waits. */
  botApiRetry?: Partial<BotApiRetryOptions>;
  /** The calls registry; shared with the results consumer. Default: a new one on `redis`. */
  callsRegistry?: CallsRegistry;
  /** The /newcall request ledger; startBot shares it with the start-up recovery. Default: a new one. */
  ledger?: RequestLedger;
  /** The per-chat lock's scope and timings (serialise/chat-lock.ts); tests shorten them. @defaultValue across replicas */
  chatLock?: Partial<Omit<ChatLockOptions, "handledTtlSeconds">>;
  /** The bot's calendar (planned calls, set ends); shared with the results consumer. Default: a new one. */
  calendar?: CalendarDeps;
}

/**
 * The bot with every feature mounted here, in order, behind one error boundary: the chat lock, chat migration,
 * late presses, the throttle, time zones, 🔔 Remind me, start/help, the answers to /calls buttons'
 * questions, the guided /newcall, /newcall,
 * /autostart, /announce and /endwhenempty, /stoprecurring, /timezone, /calls (with /rename, /rotatekey and the buttons), /setup, /status,
 * and "unhandled" last. Shared services (bot-services.ts) are built once and passed in. Everything it talks to is passed in; nothing is started here (no polling,
 * no network) so tests can drive it with handleUpdate or a runner.
 */
export function createBot(options: CreateBotOptions): Bot<Context> {
  return createBotWithServices(options).bot;
}

/** createBot, with the services its features share, for startBot to hand the same ones to the results consumer. */
export function createBotWithServices(options: CreateBotOptions): {
  bot: Bot<Context>;
  services: BotServices;
} {
  const { config, logger, redis, prefix } = options;
  const clock = options.clock ?? systemClock;
  const limits = { ...DEFAULT_BOT_LIMITS, ...options.limits };
  const timeZones =
    options.timeZones ??
    createUserTimeZones({ redis, prefix, defaultTimeZone: config.defaultTimeZone, clock });
  // Synchronous for the parsers: preloadTimeZone (mounted first) has read the sender's zone.
  const timeZoneFor = (userId: number) => timeZones.zoneFor(userId);
  const callsRegistry = options.callsRegistry ?? new CallsRegistry(redis, prefix, clock, logger);

  const bot = new Bot<Context>(config.botToken, {
    ...(options.botInfo !== undefined && { botInfo: options.botInfo }),
    ...(config.botApiRoot !== undefined && { client: { apiRoot: config.botApiRoot } }),
  });
  installBotApiRetries(
    bot.api,
    {
      ...DEFAULT_BOT_API_RETRY,
      ...(config.botApiRetryDelayMs !== undefined && { serverErrorRetryDelayMs: config.botApiRetryDelayMs }),
      ...options.botApiRetry,
    },
    logger,
  );
  const services = createBotServices({
    api: bot.api,
    redis,
    prefix,
    callsQueue: options.callsQueue,
    ownerIds: config.ownerIds,
    limits,
    logger,
    clock,
    ...(options.ledger !== undefined && { ledger: options.ledger }),
    ...(options.calendar !== undefined && { calendar: options.calendar }),
  });

  if (options.inFlight) bot.use(options.inFlight.middleware());
  if (options.observeUpdate) {
    const observe = options.observeUpdate;
    bot.use(async (ctx, next) => {
      observe(ctx.update);
      await next();
    });
  }

  const features = bot.errorBoundary(async (error) => {
    logger.error({ err: error.error, updateId: error.ctx.update.update_id }, "handling an update failed");
    const wait = rateLimitWait(error.error);
    if (wait !== undefined) {
      await tellRateLimited(error.ctx, wait);
      return;
    }
    if (error.ctx.chat?.type !== "private") return;
    await error.ctx
      .reply("Sorry, something went wrong on my side. Nothing was queued; please try again in a minute.")
      .catch(() => undefined);
  });
  // First: one update of a chat at a time (across every replica unless this process long-polls),
  // and a redelivered update not at all.
  const chatLock = new ChatLock({
    redis,
    prefix,
    logger,
    options: { handledTtlSeconds: limits.replayClaimSeconds, ...options.chatLock },
  });
  features.use(chatLock.middleware());
  // Before the throttle: a group's upgrade is a service message that must never be dropped.
  features.use(
    createChatMigrationFeature(
      chatMigrationFollower({
        redis,
        prefix,
        registry: callsRegistry,
        callsQueue: options.callsQueue,
        logger,
      }),
    ),
  );
  features.use(answerLatePressesAsMessages(logger));
  // Next, so a flood of any command or press is dropped before it costs a Telegram request.
  features.use(
    throttleUpdates({
      redis,
      keyPrefix: services.keys.updateRateLimitPrefix,
      limit: limits.updatesPerWindow,
      windowMs: limits.updateWindowMs,
      logger,
    }),
  );
  features.use(preloadTimeZone(timeZones, logger));
  // Before /start's welcome: /start remind_<id> (the 🔔 button's deep link) subscribes.
  features.use(
    createRemindMeFeature({
      registry: callsRegistry,
      subscriptions: services.reminderSubscriptions,
      settings: services.chatCallSettings,
      logger,
    }),
  );
  features.use(createStartHelpFeature({ redis, prefix, timeZoneFor }));
  const guided = createGuidedNewCallFeature(
    {
      ...services,
      redis,
      prefix,
      callsQueue: options.callsQueue,
      ownerIds: config.ownerIds,
      timeZoneFor,
      clock,
      logger,
      limits,
      chatCacheSeconds: limits.chatCacheSeconds,
      rules: services.recurringRules,
      watchdog: services.guidedWatchdog,
      timeoutMs: limits.guidedFlowTimeoutMs,
      callsRegistry,
    },
    chatLock,
  );
  // The questions of /calls buttons (Rename, Move, Invite) and the answers to them.
  const prompts = new CallPrompts({ redis, prefix, clock, timeoutMs: limits.guidedFlowTimeoutMs });
  // /calls and its buttons, the in-call controls as commands, and the answers to the buttons'
  // questions share their dependencies.
  const callsDeps = {
    api: bot.api,
    redis,
    keys: services.keys,
    registry: callsRegistry,
    callsQueue: options.callsQueue,
    ownerIds: config.ownerIds,
    authorise: services.authorise,
    recordingDestinations: services.recordingDestinations,
    chatCacheSeconds: limits.chatCacheSeconds,
    timeZoneFor,
    clock,
    logger,
    calendar: services.calendar,
    autoEnds: services.autoEnds,
    prompts,
  };
  const calendarDeps = { ...services, callsRegistry, clock, redis, prefix, logger, timeZoneFor, prompts };
  // Before the guided flow, which would take an answer's /cancel in the private chat.
  features.use(createCallPromptsFeature({ ...callsDeps, ...calendarDeps }));
  // Every update of a private chat passes the guided flow first: an open flow takes its answers.
  features.use(guided.composer);
  features.use(
    createNewCallFeature({
      ...services,
      redis,
      prefix,
      callsQueue: options.callsQueue,
      rules: services.recurringRules,
      timeZoneFor,
      clock,
      logger,
      limits,
      callsRegistry,
      enterGuided: guided.enter,
    }),
  );
  features.use(
    createAutostartDefaultFeature({
      defaults: services.autostartDefaults,
      known: services.knownChats,
      authorise: services.authorise,
      clock,
    }),
  );
  features.use(
    createCallAnnouncementsFeature({
      redis,
      keys: services.keys,
      authorise: services.authorise,
      settings: services.chatCallSettings,
      chatCacheSeconds: limits.chatCacheSeconds,
    }),
  );
  features.use(
    createStopRecurringFeature({ rules: services.recurringRules, authorise: services.authorise, logger }),
  );
  features.use(
    createTimeZoneFeature({ timeZones, defaultTimeZone: config.defaultTimeZone, now: () => clock.now() }),
  );
  features.use(createCallsFeature(callsDeps));
  features.use(createInCallControlsFeature(callsDeps));
  features.use(createCalendarFeature(calendarDeps));
  features.use(
    createSetupFeature({
      redis,
      keys: services.keys,
      prefix,
      callsQueue: options.callsQueue,
      ownerIds: config.ownerIds,
      authorise: services.authorise,
      chatCacheSeconds: limits.chatCacheSeconds,
      clock,
      logger,
    }),
  );
  features.use(
    createStatusFeature({
      redis,
      prefix,
      callsQueue: options.callsQueue,
      ownerIds: config.ownerIds,
      clock,
    }),
  );
  features.use(createUnhandledFeature());

  bot.catch((error) => {
    logger.error({ err: error.error, updateId: error.ctx.update.update_id }, "unhandled bot error");
  });
  return { bot, services };
}
