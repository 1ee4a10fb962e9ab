import { redactRedisUrl } from "../redis/redact-redis-url.ts";
import { ConfigError } from "./config-error.ts";
import { type DashboardConfig, parseDashboardConfig } from "./dashboard-config.ts";
import {
  BotApiRetryDelayMsSchema,
  BotApiRootSchema,
  BotTokenSchema,
  DashboardListenSchema,
  DashboardPasswordSchema,
  DashboardUserSchema,
  FlagSchema,
  type HostAndPort,
  type LogLevel,
  LogLevelSchema,
  MetricsListenSchema,
  OwnerIdsSchema,
  QueuePrefixSchema,
  RedisUrlSchema,
  TimeZoneSchema,
  WebhookListenSchema,
  WebhookMaxConnectionsSchema,
  WebhookSecretSchema,
  WebhookUrlSchema,
} from "./env-schemas.ts";
import type { Env } from "./env-variables.ts";
import { missingProblem, parseEnvVariables } from "./parse-env-variables.ts";
import { queuePrefixFromEnv } from "./queue-prefix-for.ts";
import { attachSafeSerialisation, REDACTED } from "./safe-serialisation.ts";

/** Webhook mode: Telegram POSTs updates to `url`; the bot's server listens on `listen`. */
export interface BotWebhookConfig {
  url: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token; requests without it get 401. */
  secret: string;
  listen: HostAndPort;
  /**
   * WEBHOOK_MAX_CONNECTIONS: setWebhook's max_connections, the POSTs Telegram keeps open at once
   * across every replica behind `url`. Undefined: DEFAULT_WEBHOOK_MAX_CONNECTIONS (100).
   */
  maxConnections?: number;
}

/** What the bot process needs. */
export interface BotConfig {
  kind: "bot";
  botToken: string;
  /** Undefined: grammY's default, https://api.telegram.org. */
  botApiRoot: string | undefined;
  ownerIds: number[];
  /** BOT_API_RETRY_DELAY_MS: first pause before a 5xx answer is retried; undefined: the default (3 s). */
  botApiRetryDelayMs?: number;
  /** Undefined: long polling. */
  webhook?: BotWebhookConfig | undefined;
  redisUrl: string;
  /** Prefix of every Redis key (QUEUE_PREFIX); the bot and the worker must agree. */
  queuePrefix: string;
  defaultTimeZone: string;
  logLevel: LogLevel;
  allowRedisEviction: boolean;
  /** METRICS_LISTEN: where /healthz, /readyz and /metrics are served; undefined: not served. */
  metricsListen?: HostAndPort | undefined;
  /** DASHBOARD_LISTEN (and its credentials): where the queue dashboard is served; undefined: not served. */
  dashboard?: DashboardConfig | undefined;
}

export const BOT_ENV_SHAPE = {
  BOT_TOKEN: BotTokenSchema,
  BOT_API_ROOT: BotApiRootSchema,
  BOT_API_RETRY_DELAY_MS: BotApiRetryDelayMsSchema,
  OWNER_IDS: OwnerIdsSchema,
  WEBHOOK_URL: WebhookUrlSchema,
  WEBHOOK_SECRET: WebhookSecretSchema,
  WEBHOOK_LISTEN: WebhookListenSchema,
  WEBHOOK_MAX_CONNECTIONS: WebhookMaxConnectionsSchema,
  REDIS_URL: RedisUrlSchema,
  QUEUE_PREFIX: QueuePrefixSchema,
  DEFAULT_TIME_ZONE: TimeZoneSchema,
  LOG_LEVEL: LogLevelSchema,
  ALLOW_REDIS_EVICTION: FlagSchema,
  METRICS_LISTEN: MetricsListenSchema,
  DASHBOARD_LISTEN: DashboardListenSchema,
  DASHBOARD_USER: DashboardUserSchema,
  DASHBOARD_PASSWORD: DashboardPasswordSchema,
};

/** Problems with the bot's variables, or the config; never throws. */
export function parseBotConfig(
  env: Env,
): { config: BotConfig; problems: [] } | { config: undefined; problems: string[] } {
  const parsed = parseEnvVariables(BOT_ENV_SHAPE, env);
  const problems = parsed.ok ? [] : [...parsed.problems];
  // Without the secret anyone who learns the URL could feed the bot forged updates.
  if (env.WEBHOOK_URL?.trim() && !env.WEBHOOK_SECRET?.trim()) {
    problems.push(missingProblem("WEBHOOK_SECRET"));
  }
  const dashboard = parsed.ok
    ? parseDashboardConfig({
        listen: parsed.values.DASHBOARD_LISTEN,
        user: parsed.values.DASHBOARD_USER,
        password: parsed.values.DASHBOARD_PASSWORD,
      })
    : { dashboard: undefined, problems: [] };
  problems.push(...dashboard.problems);
  const prefix = queuePrefixFromEnv(env, parsed, problems);
  if (prefix === undefined || !parsed.ok || problems.length > 0) return { config: undefined, problems };
  const values = parsed.values;
  const webhook =
    values.WEBHOOK_URL !== undefined && values.WEBHOOK_SECRET !== undefined
      ? {
          url: values.WEBHOOK_URL,
          secret: values.WEBHOOK_SECRET,
          listen: values.WEBHOOK_LISTEN,
          ...(values.WEBHOOK_MAX_CONNECTIONS !== undefined && {
            maxConnections: values.WEBHOOK_MAX_CONNECTIONS,
          }),
        }
      : undefined;
  const config: BotConfig = attachSafeSerialisation(
    {
      kind: "bot",
      botToken: values.BOT_TOKEN,
      botApiRoot: values.BOT_API_ROOT,
      ownerIds: values.OWNER_IDS,
      ...(values.BOT_API_RETRY_DELAY_MS !== undefined && {
        botApiRetryDelayMs: values.BOT_API_RETRY_DELAY_MS,
      }),
      webhook,
      redisUrl: values.REDIS_URL,
      queuePrefix: prefix,
      defaultTimeZone: values.DEFAULT_TIME_ZONE,
      logLevel: values.LOG_LEVEL,
      allowRedisEviction: values.ALLOW_REDIS_EVICTION,
      metricsListen: values.METRICS_LISTEN,
      dashboard: dashboard.dashboard,
    },
    describeBotConfig,
  );
  return { config, problems: [] };
}

/** The bot's config without its secrets (describeConfig): the token and webhook secret redacted. */
export function describeBotConfig(config: BotConfig): Record<string, unknown> {
  return {
    kind: config.kind,
    botToken: REDACTED,
    botApiRoot: config.botApiRoot ?? "https://api.telegram.org (default)",
    ownerIds: config.ownerIds,
    webhook:
      config.webhook === undefined
        ? "off (long polling)"
        : {
            url: config.webhook.url,
            secret: REDACTED,
            listen: `${config.webhook.listen.host}:${config.webhook.listen.port}`,
          },
    redisUrl: redactRedisUrl(config.redisUrl),
    queuePrefix: config.queuePrefix,
    defaultTimeZone: config.defaultTimeZone,
    logLevel: config.logLevel,
    allowRedisEviction: config.allowRedisEviction,
    dashboard:
      config.dashboard === undefined
        ? "off"
        : {
            listen: `${config.dashboard.listen.host}:${config.dashboard.listen.port}`,
            user: config.dashboard.credentials?.user ?? "none (loopback only)",
            ...(config.dashboard.credentials && { password: REDACTED }),
          },
  };
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
