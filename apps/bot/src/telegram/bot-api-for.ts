import type { BotConfig } from "@callbot/shared";
import { Api } from "grammy";
import type { Logger } from "pino";
import { DEFAULT_BOT_API_RETRY, installBotApiRetries } from "./bot-api-retries.ts";

/**
 * A Bot API client with the bot's retries (429, 5xx, network), for tools that call Telegram as
 * the bot without running it: `pnpm run doctor` checking the chats' rights.
 */
export function botApiFor(config: Pick<BotConfig, "botToken" | "botApiRoot">, logger: Logger): Api {
  const api = new Api(config.botToken, config.botApiRoot === undefined ? {} : { apiRoot: config.botApiRoot });
  installBotApiRetries(api, DEFAULT_BOT_API_RETRY, logger);
  return api;
}
