import { ConfigError } from "./config-error.ts";
import { attachSafeSerialisation } from "./describe-config.ts";
import {
  BotApiRootSchema,
  BotTokenSchema,
  FlagSchema,
  type LogLevel,
  LogLevelSchema,
  OwnerIdsSchema,
  QueuePrefixSchema,
  RedisUrlSchema,
  TimeZoneSchema,
} from "./env-schemas.ts";
import type { Env } from "./env-variables.ts";
import { parseEnvVariables } from "./parse-env-variables.ts";

/** What the bot process needs. */
export interface BotConfig {
  kind: "bot";
  botToken: string;
  /** Undefined: grammY's default, https://api.telegram.org. */
  botApiRoot: string | undefined;
  ownerIds: number[];
  redisUrl: string;
  /** Prefix of every Redis key (QUEUE_PREFIX); the bot and the worker must agree. */
  queuePrefix: string;
  defaultTimeZone: string;
  logLevel: LogLevel;
  allowRedisEviction: boolean;
}

export const BOT_ENV_SHAPE = {
  BOT_TOKEN: BotTokenSchema,
  BOT_API_ROOT: BotApiRootSchema,
  OWNER_IDS: OwnerIdsSchema,
  REDIS_URL: RedisUrlSchema,
  QUEUE_PREFIX: QueuePrefixSchema,
  DEFAULT_TIME_ZONE: TimeZoneSchema,
  LOG_LEVEL: LogLevelSchema,
  ALLOW_REDIS_EVICTION: FlagSchema,
};

/** Problems with the bot's variables, or the config; never throws. */
export function parseBotConfig(
  env: Env,
): { config: BotConfig; problems: [] } | { config: undefined; problems: string[] } {
  const parsed = parseEnvVariables(BOT_ENV_SHAPE, env);
  if (!parsed.ok) return { config: undefined, problems: parsed.problems };
  const values = parsed.values;
  const config: BotConfig = attachSafeSerialisation({
    kind: "bot",
    botToken: values.BOT_TOKEN,
    botApiRoot: values.BOT_API_ROOT,
    ownerIds: values.OWNER_IDS,
    redisUrl: values.REDIS_URL,
    queuePrefix: values.QUEUE_PREFIX,
    defaultTimeZone: values.DEFAULT_TIME_ZONE,
    logLevel: values.LOG_LEVEL,
    allowRedisEviction: values.ALLOW_REDIS_EVICTION,
  });
  return { config, problems: [] };
}

/**
 * Reads the bot's configuration once at start-up.
 * @throws ConfigError listing every problem; wrap the call in exitOnConfigError in a main file.
 * @example const config = exitOnConfigError(() => loadBotConfig(process.env));
 */
export function loadBotConfig(env: Env): BotConfig {
  const { config, problems } = parseBotConfig(env);
  if (config === undefined) throw new ConfigError(problems);
  return config;
}
