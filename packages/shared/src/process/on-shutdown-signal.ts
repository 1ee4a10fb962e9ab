import type { Logger } from "pino";

/** Longest a shutdown may take before the process exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 15_000;

/** Stops the process for a reason of its own (a start-up failure, a lost account lock), once. */
export type ShutDown = (reason: string, exitCode: number) => Promise<void>;

/**
 * The one shutdown handler of the bot, the worker and the launcher, for SIGINT and SIGTERM and
 * for the process's own reasons to stop (the returned function), guarded against running twice:
 * the first of them shuts down gracefully within `deadlineMs` and exits (0 after a signal, the
 * given code otherwise, 1 when stopping failed or took too long); a later signal exits at once.
 *
 * @example
 * const shutDown = onShutdownSignal(logger, () => worker.stop(), WORKER_EXIT_DEADLINE_MS);
 * worker.ready.catch(() => shutDown("start-up failure", 1));
 */
export function onShutdownSignal(
  logger: Logger,
  shutdown: () => Promise<void>,
  deadlineMs: number = SHUTDOWN_DEADLINE_MS,
): ShutDown {
  let stopping: Promise<void> | undefined;
  const shutDown: ShutDown = (reason, exitCode) => {
    stopping ??= new Promise<void>(() => {
      logger.info({ reason }, "shutting down");
      const deadline = setTimeout(() => {
        logger.error({ ms: deadlineMs }, "shutdown took too long: exiting");
        process.exit(1);
      }, deadlineMs);
      deadline.unref();
      shutdown().then(
        () => process.exit(exitCode),
        (error: unknown) => {
          logger.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
    });
    return stopping;
  };
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    void shutDown(signal, 0);
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
  return shutDown;
}
