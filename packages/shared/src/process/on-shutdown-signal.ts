import type { Logger } from "pino";

/** Longest a shutdown may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/**
 * One handler for SIGINT and SIGTERM, guarded against running twice: the first signal shuts
 * down gracefully within a deadline, a second one exits at once.
 */
export function onShutdownSignal(
  logger: Logger,
  shutdown: () => Promise<void>,
  deadlineMs: number = SHUTDOWN_DEADLINE_MS,
): void {
  let signalled = false;
  const handle = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    signalled = true;
    logger.info({ signal }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ ms: deadlineMs }, "shutdown took too long: exiting");
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
