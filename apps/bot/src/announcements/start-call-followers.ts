import type { CallsQueue } from "@callbot/shared";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { queueConnectionOf } from "../calls/queue-connection.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import { chatCallSettingsStore } from "../chat-settings/chat-call-settings.ts";
import type { Clock } from "../clock.ts";
import { followEmptyWatch } from "../empty-watch/follow-empty-watch.ts";
import { reminderSubscriptions } from "../reminders/reminder-subscriptions.ts";
import { createReminders, type ReminderLimits, type Reminders } from "../reminders/reminders.ts";
import { createAnnouncer } from "./announcer.ts";

export interface CallFollowersDeps {
  /** The bot's API (with its retries): announcements. */
  api: Api;
  /** A Bot API client without in-call 429 sleeping: reminder sends (see createReminders). */
  sendApi: Api;
  redis: Redis;
  /** A "worker"-role connection for the reminders worker. */
  connection: Redis;
  prefix: string;
  registry: CallsRegistry;
  callsQueue: CallsQueue;
  defaultTimeZone: string;
  clock: Clock;
  logger: Logger;
  reminderLimits: ReminderLimits;
}

/**
 * What follows each call as the registry learns of it (a worker result or a service message,
 * whichever comes): its announcement, then its reminders (which need the announcement), and
 * beside them the worker's end-when-empty watch. Each failure is logged on its own and never
 * stops the others.
 */
export function startCallFollowers(deps: CallFollowersDeps): {
  reminders: Reminders;
  close(): Promise<void>;
} {
  const settings = chatCallSettingsStore(deps.redis, deps.prefix);
  const announcer = createAnnouncer({
    api: deps.api,
    redis: deps.redis,
    prefix: deps.prefix,
    settings,
    defaultTimeZone: deps.defaultTimeZone,
    logger: deps.logger,
  });
  const reminders = createReminders({
    api: deps.sendApi,
    redis: deps.redis,
    queueConnection: queueConnectionOf(deps.callsQueue) ?? deps.redis,
    connection: deps.connection,
    prefix: deps.prefix,
    registry: deps.registry,
    settings,
    subscriptions: reminderSubscriptions(deps.redis, deps.prefix),
    announcer,
    defaultTimeZone: deps.defaultTimeZone,
    clock: deps.clock,
    logger: deps.logger,
    limits: deps.reminderLimits,
  });
  deps.registry.onSaved(async (entry) => {
    // Undefined when the announcer failed: the reminders then read the record themselves.
    const announced = await announcer.follow(entry).catch((error: unknown) => {
      deps.logger.warn({ err: error, entryId: entry.id }, "following a call's announcement failed");
      return undefined;
    });
    await reminders.follow(entry, announced);
  });
  deps.registry.onSaved(
    followEmptyWatch({ callsQueue: deps.callsQueue, settings, clock: deps.clock, logger: deps.logger }),
  );
  return { reminders, close: () => reminders.close() };
}
