import { configSecrets, createLogger, exitOnConfigError, loadBotConfig } from "@callbot/shared";
import { startBot } from "./start-bot.ts";

/**
 * The bot process: reads its configuration from the environment, starts, and shuts down
 * gracefully on SIGTERM/SIGINT within a bounded time (a second signal exits at once).
 * QUEUE_PREFIX (config.queuePrefix) must be the worker's.
 */
const SHUTDOWN_DEADLINE_MS = 15_000;

const config = exitOnConfigError(() => loadBotConfig(process.env));
const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), name: "bot" });

try {
  const running = await startBot({ config, logger, prefix: config.queuePrefix });
  let signalled = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ ms: SHUTDOWN_DEADLINE_MS }, "shutdown took too long: exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
} catch (error) {
  logger.fatal({ err: error }, "bot could not start");
  process.exit(1);
}
