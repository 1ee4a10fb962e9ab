import type { CallsQueue } from "@callbot/shared";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import {
  type AssistantCheck,
  type AssistantRequest,
  createAssistantChecker,
} from "./assistant/assistant-for-chat.ts";
import { type Authorise, createAuthoriser } from "./auth/authorise-requester.ts";
import type { BotLimits } from "./bot-limits.ts";
import { createCalendar } from "./calendar/create-calendar.ts";
import type { CalendarDeps } from "./calendar/place-call.ts";
import { type ChatCallSettingsStore, chatCallSettingsStore } from "./chat-settings/chat-call-settings.ts";
import type { Clock } from "./clock.ts";
import { guidedConversationKey } from "./features/guided-newcall.ts";
import { type AutostartDefaults, autostartDefaults } from "./newcall/autostart-default-store.ts";
import { GuidedFlowWatchdog } from "./newcall/guided-flow-watchdog.ts";
import { type KnownChats, knownChats } from "./newcall/known-chats-store.ts";
import { type RecordingDestinations, recordingDestinations } from "./recordings/recording-destinations.ts";
import { type RecurringRulesStore, recurringRulesStore } from "./recurring/recurring-rules-store.ts";
import { type BotKeys, botKeys } from "./redis/bot-keys.ts";
import { type ReminderSubscriptions, reminderSubscriptions } from "./reminders/reminder-subscriptions.ts";
import { createRequestLedger, type RequestLedger } from "./requests/request-ledger.ts";

/** What several features share, built once per bot (createBot) and passed in. */
export interface BotServices extends CalendarDeps {
  /** Every bot Redis key. */
  keys: BotKeys;
  /** Who may manage calls in a chat: the one rights check, with its cache. */
  authorise: Authorise;
  /** The /newcall request ledger (replay, take-over, write-ahead, cooldown, rate limit). */
  ledger: RequestLedger;
  knownChats: KnownChats;
  autostartDefaults: AutostartDefaults;
  recurringRules: RecurringRulesStore;
  /** Where each chat's call recordings are forwarded (/recordings). */
  recordingDestinations: RecordingDestinations;
  /** Ends a guided /newcall left without an answer. */
  guidedWatchdog: GuidedFlowWatchdog;
  /** With several assistant accounts: whether one may make a call in a chat (getChatMember each, cached). */
  checkAssistant: (request: AssistantRequest) => Promise<AssistantCheck>;
  /** Per chat: announcements, the reminder lead, end when empty. */
  chatCallSettings: ChatCallSettingsStore;
  /** Who asked to be reminded of which call (🔔 Remind me). */
  reminderSubscriptions: ReminderSubscriptions;
}

export function createBotServices(deps: {
  api: Api;
  redis: Redis;
  prefix: string;
  callsQueue: CallsQueue;
  ownerIds: readonly number[];
  limits: BotLimits;
  logger: Logger;
  /** startBot shares its ledger with the start-up recovery; otherwise a new one. */
  ledger?: RequestLedger;
  clock: Clock;
  /** startBot shares its calendar with the results consumer; otherwise a new one. */
  calendar?: CalendarDeps;
}): BotServices {
  const { api, redis, prefix, callsQueue, limits, logger } = deps;
  const keys = botKeys(prefix);
  return {
    ...(deps.calendar ??
      createCalendar({ redis, prefix, callsQueue, clock: deps.clock, logger, hopMs: limits.plannedHopMs })),
    keys,
    authorise: createAuthoriser({
      api,
      redis,
      keys,
      ownerIds: deps.ownerIds,
      ttlSeconds: limits.memberCacheSeconds,
    }),
    ledger: deps.ledger ?? createRequestLedger({ redis, keys, prefix, callsQueue, limits }),
    knownChats: knownChats(redis, keys),
    autostartDefaults: autostartDefaults(redis, prefix),
    recurringRules: recurringRulesStore({ redis, prefix, callsQueue, logger }),
    checkAssistant: createAssistantChecker({ api, redis, prefix, now: Date.now, logger }),
    recordingDestinations: recordingDestinations(redis, prefix),
    chatCallSettings: chatCallSettingsStore(redis, prefix),
    reminderSubscriptions: reminderSubscriptions(redis, prefix),
    guidedWatchdog: new GuidedFlowWatchdog({
      redis,
      prefix,
      conversationKey: (chatId) => guidedConversationKey(prefix, chatId),
      timeoutMs: limits.guidedFlowTimeoutMs,
      logger,
    }),
  };
}
