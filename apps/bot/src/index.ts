export { DEFAULT_QUEUE_PREFIX, type RunningBot, type StartBotOptions, startBot } from "./start-bot.ts";
