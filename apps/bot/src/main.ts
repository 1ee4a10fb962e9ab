import {
  configSecrets,
  createLogger,
  exitOnConfigError,
  loadBotConfig,
  onShutdownSignal,
} from "@callbot/shared";
import { startBot } from "./start-bot.ts";

/**
 * The bot process: reads its configuration from the environment, starts, and shuts down
 * gracefully on SIGTERM/SIGINT within a bounded time (a second signal exits at once).
 * QUEUE_PREFIX (config.queuePrefix) must be the worker's.
 */
const config = exitOnConfigError(() => loadBotConfig(process.env));
const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), name: "bot" });

try {
  const running = await startBot({ config, logger, prefix: config.queuePrefix });
  onShutdownSignal(logger, () => running.stop());
} catch (error) {
  logger.fatal({ err: error }, "bot could not start");
  process.exit(1);
}
