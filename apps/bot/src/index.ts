// @callbot/bot: the Telegram-facing process. startBot runs it whole (main.ts and end-to-end
// tests); createBot builds the grammY bot alone, for tests that feed it updates themselves.
export { type BotLimits, DEFAULT_BOT_LIMITS } from "./bot-limits.ts";
export { CallsRegistry } from "./calls-registry/calls-registry.ts";
export { type ChatCallSettingsStore, chatCallSettingsStore } from "./chat-settings/chat-call-settings.ts";
export { type Clock, systemClock } from "./clock.ts";
export { type CreateBotOptions, createBot } from "./create-bot.ts";
export { BOT_COMMANDS, renderHelp } from "./features/help-text.ts";
export { type KnownChats, knownChats } from "./newcall/known-chats-store.ts";
export { type NewCallCommand, parseNewCallCommand } from "./newcall/parse-new-call-command.ts";
export { BOT_NODE_FLAGS } from "./node-flags.ts";
export { type BotKeys, botKeys } from "./redis/bot-keys.ts";
export { type ReminderSubscriptions, reminderSubscriptions } from "./reminders/reminder-subscriptions.ts";
export { BOT_RIGHT_NAMES } from "./setup/bot-right-names.ts";
export { type AssistantFacts, isReady, mayCreateCalls, type SetupReport } from "./setup/check-chat-setup.ts";
export { checkKnownChats, type KnownChatCheck, type KnownChatsCheck } from "./setup/check-known-chats.ts";
export { type RunningBot, type StartBotOptions, startBot } from "./start-bot.ts";
export { botApiFor } from "./telegram/bot-api-for.ts";
