import { type MetricsServer, quitRedis, settleWithin } from "@callbot/shared";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { TelegramClient } from "telegram";
import type { AccountQueues } from "../assistants/account-queues.ts";
import type { CallsQueueConsumer } from "../calls/consume-calls-queue.ts";
import type { AccountLock } from "../lock/account-lock.ts";
import type { SessionDeath } from "../session/session-death.ts";
import type { WorkerStatusPublisher } from "../status/worker-status-publisher.ts";

/** What a worker has started so far; start-up may have stopped at any step. */
export interface StartedParts {
  /** The shared intake's and this account's own queue's. */
  consumers: Array<CallsQueueConsumer | undefined>;
  /** Stops the failover sweep. */
  stopSweep?: (() => void) | undefined;
  accountQueues?: AccountQueues | undefined;
  sessionDeath?: SessionDeath | undefined;
  status: WorkerStatusPublisher;
  client?: TelegramClient | undefined;
  lock?: AccountLock | undefined;
  metricsServer?: MetricsServer | undefined;
  queues: Array<Queue | undefined>;
  /** Only a connection the worker made itself; the caller closes its own. */
  ownConnection?: Redis | undefined;
}

/**
 * Stops in order, each step bounded so that nothing can hang the exit: stop taking jobs and let
 * in-flight ones finish for `graceMs` (the rest go back to the queue), publish "stopped", leave
 * Telegram, release the account lock, then close the servers, queues and Redis.
 */
export async function stopCallWorker(parts: StartedParts, graceMs: number, logger: Logger): Promise<void> {
  parts.stopSweep?.();
  const consumers = parts.consumers.filter((consumer) => consumer !== undefined);
  // pause() stops fetching and waits for in-flight jobs; close() alone could not be forced later.
  const finished = await settleWithin(
    Promise.all(consumers.map((consumer) => consumer.worker.pause())),
    graceMs,
    "in-flight jobs to finish",
    logger,
  );
  if (!finished) for (const consumer of consumers) await consumer.handBack();
  await settleWithin(
    Promise.all(consumers.map((consumer) => consumer.worker.close(!finished))),
    5_000,
    "the BullMQ workers to close",
    logger,
  );
  await settleWithin(parts.sessionDeath?.settled() ?? Promise.resolve(), 5_000, "session clean-up", logger);
  await parts.status.stopped();
  if (parts.client) await settleWithin(parts.client.destroy(), 5_000, "the Telegram client to close", logger);
  // Bounded: after losing the lock Redis may be the thing that is unreachable.
  await settleWithin(
    parts.lock?.release() ?? Promise.resolve(),
    5_000,
    "the account lock to be released",
    logger,
  );
  await settleWithin(
    parts.metricsServer?.close() ?? Promise.resolve(),
    2_000,
    "the metrics server to close",
    logger,
  );
  await settleWithin(
    Promise.allSettled([...parts.queues.map((queue) => queue?.close()), parts.accountQueues?.close()]),
    5_000,
    "the queues to close",
    logger,
  );
  if (parts.ownConnection) await quitRedis(parts.ownConnection, 2_000);
  logger.info("worker stopped");
}
