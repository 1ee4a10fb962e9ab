import { exitOnConfigError, loadBotConfig } from "@callbot/shared";
import { pino } from "pino";
import { startBot } from "./start-bot.ts";

/**
 * The bot process: reads its configuration from the environment, starts, and shuts down
 * gracefully on SIGTERM/SIGINT within a bounded time (a second signal exits at once).
 */
const SHUTDOWN_DEADLINE_MS = 15_000;

const config = exitOnConfigError(() => loadBotConfig(process.env));
const logger = pino({
  level: config.logLevel,
  name: "callbot-bot",
  // The token sits in grammY's request URLs; never let one reach a log line.
  redact: { paths: ["botToken", "config.botToken", "*.botToken", "token"], censor: "***" },
});

try {
  const running = await startBot({ config, logger });
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
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
} catch (error) {
  logger.fatal(
    { err: error instanceof Error ? { name: error.name, message: error.message } : error },
    "bot could not start",
  );
  process.exit(1);
}
