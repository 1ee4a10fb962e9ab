import { redisPasswordOf } from "../redis/redis-address.ts";
import { type BotConfig, describeBotConfig } from "./bot-config.ts";
import { describeWorkerConfig, type WorkerConfig } from "./worker-config.ts";

type AnyConfig = BotConfig | WorkerConfig;

/**
 * The config as a plain object safe to log or print: the bot token, the session string and the
 * api_hash show as "[redacted]", a Redis password as "***".
 */
export function describeConfig(config: AnyConfig): Record<string, unknown> {
  return config.kind === "bot" ? describeBotConfig(config) : describeWorkerConfig(config);
}

/** The secret strings of a config, to hand to createLogger so that they never reach a log. */
export function configSecrets(config: AnyConfig): string[] {
  const redisPassword = redisPasswordOf(config.redisUrl);
  const secrets =
    config.kind === "bot"
      ? [
          config.botToken,
          ...(config.webhook ? [config.webhook.secret] : []),
          ...(config.dashboard?.credentials ? [config.dashboard.credentials.password] : []),
        ]
      : [config.tgSession, config.tgApiHash];
  return redisPassword === undefined ? secrets : [...secrets, redisPassword];
}
