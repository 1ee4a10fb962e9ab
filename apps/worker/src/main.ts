// The worker as a process: `pnpm --filter @callbot/worker start` (or via the launcher).
import {
  assertRedisReachable,
  checkMaxmemoryPolicy,
  configSecrets,
  createLogger,
  createRedisConnection,
  exitOnConfigError,
  loadWorkerConfig,
  WORKER_EXIT_DEADLINE_MS,
} from "@callbot/shared";
import { startCallWorker } from "./start-worker.ts";

const config = exitOnConfigError(() => loadWorkerConfig(process.env));
const logger = createLogger({ level: config.logLevel, secrets: configSecrets(config), name: "worker" });

try {
  await assertRedisReachable(config.redisUrl);
} catch (error) {
  logger.fatal(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const connection = createRedisConnection(config.redisUrl, {
  role: "worker",
  connectionName: "callbot-worker",
});
try {
  await checkMaxmemoryPolicy(connection, {
    allowEviction: config.allowRedisEviction,
    warn: (message) => logger.warn(message),
  });
} catch (error) {
  logger.fatal(error instanceof Error ? error.message : String(error));
  connection.disconnect();
  process.exit(1);
}

const worker = startCallWorker({ config, logger, connection, prefix: config.queuePrefix });

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
  await connection.quit().catch(() => connection.disconnect());
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
  // Lock held by another process, Telegram unreachable or the session dead at start-up:
  // the message says what to do; exit non-zero so that it is not mistaken for a clean stop.
  logger.fatal(error instanceof Error ? error.message : String(error));
  await shutDown("start-up failure", 1);
}
