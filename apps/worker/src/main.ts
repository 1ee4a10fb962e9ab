// The worker as a process: `pnpm --filter @callbot/worker start` (or via the launcher).
import {
  configSecrets,
  createLogger,
  exitOnConfigError,
  loadWorkerConfig,
  onShutdownSignal,
  WORKER_EXIT_DEADLINE_MS,
} from "@callbot/shared";
import { startCallWorker } from "./start-worker.ts";

const config = exitOnConfigError(() => loadWorkerConfig(process.env));
const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), name: "worker" });

const worker = startCallWorker({ config, logger, prefix: config.queuePrefix });
// No new jobs on a signal; in-flight ones finish or go back to the queue. Past the deadline,
// unfinished jobs are retried after their lock lapses.
const shutDown = onShutdownSignal(logger, () => worker.stop(), WORKER_EXIT_DEADLINE_MS);
// The account lock was lost to another worker (or Redis could not confirm it): the worker has
// disconnected from Telegram, logged why and alerted the owners; the process must not linger.
void worker.stoppedByItself.then(() => shutDown("account lock lost", 1));

try {
  await worker.ready;
} catch (error) {
  // Redis unreachable or evicting, the lock held by another process, Telegram unreachable or the
  // session dead at start-up: the message says what to do; exit non-zero so that it is not
  // mistaken for a clean stop.
  logger.fatal(error instanceof Error ? error.message : String(error));
  await shutDown("start-up failure", 1);
}
