import { inspect } from "node:util";
import { redactRedisUrl } from "../redis/redact-redis-url.ts";
import type { BotConfig } from "./bot-config.ts";
import type { WorkerConfig } from "./worker-config.ts";

export const REDACTED = "[redacted]";

type AnyConfig = BotConfig | WorkerConfig;

/**
 * The config as a plain object safe to log or print: the bot token, the session string and the
 * api_hash show as "[redacted]", a Redis password as "***".
 */
export function describeConfig(config: AnyConfig): Record<string, unknown> {
  if (config.kind === "bot") {
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
      defaultTimeZone: config.defaultTimeZone,
      logLevel: config.logLevel,
      allowRedisEviction: config.allowRedisEviction,
    };
  }
  return {
    kind: config.kind,
    tgApiId: config.tgApiId,
    tgApiHash: REDACTED,
    tgSession: REDACTED,
    tgSessionFile: config.tgSessionFile,
    tgDc: config.tgDc === undefined ? "Telegram's own" : `${config.tgDc.host}:${config.tgDc.port}`,
    redisUrl: redactRedisUrl(config.redisUrl),
    logLevel: config.logLevel,
    allowRedisEviction: config.allowRedisEviction,
    production: config.production,
  };
}

/** The secret strings of a config, to hand to createLogger so that they never reach a log. */
export function configSecrets(config: AnyConfig): string[] {
  const redisPassword = passwordOf(config.redisUrl);
  const secrets =
    config.kind === "bot"
      ? [config.botToken, ...(config.webhook ? [config.webhook.secret] : [])]
      : [config.tgSession, config.tgApiHash];
  return redisPassword === undefined ? secrets : [...secrets, redisPassword];
}

function passwordOf(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === "" ? undefined : password;
  } catch {
    return undefined;
  }
}

/**
 * Makes JSON.stringify(config), a pino log of it and console.log(config) show the redacted
 * description, so that printing the config by mistake does not leak a secret. The methods are
 * not enumerable: spreading or comparing the config is unaffected.
 */
export function attachSafeSerialisation<T extends AnyConfig>(config: T): T {
  Object.defineProperty(config, "toJSON", { value: () => describeConfig(config), enumerable: false });
  Object.defineProperty(config, inspect.custom, {
    value: (_depth: number, options: object) => inspect(describeConfig(config), options),
    enumerable: false,
  });
  return config;
}
