// The worker as a process: `pnpm --filter @callbot/worker start` (or via the launcher).
import {
  configSecrets,
  createLogger,
  exitOnConfigError,
  loadWorkerConfig,
  WORKER_EXIT_DEADLINE_MS,
} from "@callbot/shared";
import { startCallWorker } from "./start-worker.ts";

const config = exitOnConfigError(() => loadWorkerConfig(process.env));
const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), name: "worker" });

const worker = startCallWorker({ config, logger, prefix: config.queuePrefix });

let shuttingDown = false;
async function shutDown(signal: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  logger.info({ signal }, "stopping: no new jobs; in-flight ones finish or go back to the queue");
  const deadline = setTimeout(() => {
    logger.error(
      "shutdown took too long; exiting anyway (unfinished jobs are retried after their lock lapses)",
    );
    process.exit(exitCode || 1);
  }, WORKER_EXIT_DEADLINE_MS);
  deadline.unref();
  await worker.stop();
  process.exit(exitCode);
}
process.once("SIGTERM", () => void shutDown("SIGTERM", 0));
// The account lock was lost to another worker (or Redis could not confirm it): the worker has
// disconnected from Telegram, logged why and alerted the owners; the process must not linger.
void worker.stoppedByItself.then(() => shutDown("account lock lost", 1));
process.once("SIGINT", () => void shutDown("SIGINT", 0));

try {
  await worker.ready;
} catch (error) {
  // Redis unreachable or evicting, the lock held by another process, Telegram unreachable or the
  // session dead at start-up: the message says what to do; exit non-zero so that it is not
  // mistaken for a clean stop.
  logger.fatal(error instanceof Error ? error.message : String(error));
  await shutDown("start-up failure", 1);
}
