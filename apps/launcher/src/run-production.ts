import { startBot } from "@callbot/bot";
import {
  assertRedisReachable,
  type BotConfig,
  ConfigError,
  configSecrets,
  createLogger,
  type Env,
  type HostAndPort,
  onShutdownSignal,
  parseBotConfig,
  parseWorkerConfig,
  type WorkerConfig,
} from "@callbot/shared";
import { startCallWorker } from "@callbot/worker";

/**
 * Runs the bot and the worker in one process against Telegram. Deployments that put them on
 * different machines run `pnpm --filter @callbot/bot start` and `pnpm --filter @callbot/worker start`.
 */
export async function runProduction(env: Env): Promise<void> {
  const { botConfig, workerConfig } = loadBoth(env);
  // Production needs the operator's own Redis (persistent, noeviction): it never starts one
  // as the demo does, and says at once when none answers instead of retrying for ever.
  await assertRedisReachable(botConfig.redisUrl);
  const logger = createLogger({
    level: botConfig.logLevel,
    name: "callbot",
    secrets: [...configSecrets(botConfig), ...configSecrets(workerConfig)],
  });
  const worker = startCallWorker({
    config: { ...workerConfig, metricsListen: nextPort(workerConfig.metricsListen) },
    logger: logger.child({ part: "worker" }),
    prefix: workerConfig.queuePrefix,
  });
  await worker.ready;
  const bot = await startBot({
    config: botConfig,
    logger: logger.child({ part: "bot" }),
    prefix: botConfig.queuePrefix,
  });
  logger.info("callbot is running; stop it with Ctrl+C");
  onShutdownSignal(logger, async () => {
    await Promise.allSettled([bot.stop(), worker.stop()]);
  });
}

/**
 * In one process the bot serves METRICS_LISTEN and the worker the port after it, so that each
 * keeps its own /readyz and /metrics (port 0, tests: each gets a free port of its own).
 */
function nextPort(listen: HostAndPort | undefined): HostAndPort | undefined {
  if (listen === undefined || listen.port === 0) return listen;
  return { host: listen.host, port: listen.port + 1 };
}

/** Both configs, with every problem of either listed in one message. */
function loadBoth(env: Env): { botConfig: BotConfig; workerConfig: WorkerConfig } {
  const bot = parseBotConfig(env);
  const worker = parseWorkerConfig(env);
  if (bot.config && worker.config) return { botConfig: bot.config, workerConfig: worker.config };
  const problems = [...new Set([...bot.problems, ...worker.problems])];
  throw new ConfigError(problems);
}
