import { randomUUID } from "node:crypto";
import {
  CALLS_QUEUE_JOBS,
  type CallsQueue,
  createRedisConnection,
  jobTooNew,
  joinInviteKey,
  type MetricsServer,
  observeJobDurations,
  parseCallsJob,
  QUEUE_NAMES,
  type ResultsQueue,
  readOperators,
  registerQueueCountGauge,
  startMetricsServer,
  type UserbotIdentity,
  type WorkerConfig,
} from "@callbot/shared";
import { type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { TelegramClient } from "telegram";
import { callActionJob } from "./calls/call-action-job.ts";
import { createGroupCallJob } from "./calls/create-group-call-job.ts";
import { failureCategory, readTelegramFailure } from "./calls/read-telegram-failure.ts";
import { refuseNewerJob } from "./calls/refuse-newer-job.ts";
import { reportFinalFailure } from "./calls/report-final-failure.ts";
import { redisRtmpRotationClaims } from "./calls/rtmp-rotation-claims.ts";
import { publishUserbotIdentity } from "./identity/publish-userbot-identity.ts";
import { type AccountLock, AccountLockLostError, acquireAccountLock } from "./lock/account-lock.ts";
import { accountLockKey } from "./lock/account-lock-key.ts";
import { countTelegramRequests } from "./metrics/count-telegram-requests.ts";
import { createWorkerMetrics } from "./metrics/worker-metrics.ts";
import { workerReadiness } from "./metrics/worker-readiness.ts";
import { PeerCache } from "./peers/peer-cache.ts";
import { createTargetPeerResolver } from "./peers/resolve-target-peer.ts";
import { recurringOccurrenceJob } from "./recurring/recurring-occurrence-job.ts";
import { createResultsPublisher, resultJobIds } from "./results/results-publisher.ts";
import { SessionDeath } from "./session/session-death.ts";
import { joinChatJob } from "./setup/join-chat-job.ts";
import { WorkerStatusPublisher } from "./status/worker-status-publisher.ts";
import { createUserbotClient } from "./telegram/create-userbot-client.ts";
import { FloodGate } from "./telegram/flood-gate.ts";
import { type InvokeTelegram, invokeWithTimeout } from "./telegram/invoke-with-timeout.ts";

export interface StartCallWorkerOptions {
  config: Pick<
    WorkerConfig,
    "tgApiId" | "tgApiHash" | "tgSession" | "tgDc" | "tgDcPublicKey" | "redisUrl" | "metricsListen"
  >;
  logger: Logger;
  /**
   * BullMQ prefix and prefix of the worker's own keys: config.queuePrefix (QUEUE_PREFIX, default
   * `callbot`); the bot must use the same one.
   */
  prefix: string;
  /** A Redis connection made for BullMQ workers (maxRetriesPerRequest: null); owned by the caller. */
  connection?: Redis;
  /** A gramjs client to use instead of building one from the config (not connected yet). */
  client?: TelegramClient;
  /** Jobs run at once. Telegram requests of one account are cheap to overlap. @defaultValue 8 */
  concurrency?: number;
  /** The first connection's deadline at start-up. @defaultValue 20000 */
  connectTimeoutMs?: number;
  /** Per Telegram request; must stay well below lockDurationMs. */
  invokeTimeoutMs?: number;
  /** BullMQ job lock: a worker that stops renewing it for this long loses the job to a retry. */
  lockDurationMs?: number;
  accountLockTtlMs?: number;
  recheckRightsAfterMs?: number;
  /** How long "the assistant is not in this chat" is remembered. @defaultValue NOT_IN_CHAT_TTL_SECONDS */
  notInChatTtlSeconds?: number;
  /** A recurring occurrence whose chat has another call checks again after this long. @defaultValue 300000 */
  recurringRecheckMs?: number;
  /** How often the published "online" state is renewed. @defaultValue WORKER_STATUS_HEARTBEAT_MS */
  statusHeartbeatMs?: number;
  /** How long stop() lets in-flight jobs finish before handing them back. */
  shutdownGraceMs?: number;
  now?: () => number;
}

export interface CallWorker {
  /** Resolves once the worker takes jobs; rejects if it cannot start (lock held, Telegram unreachable, dead session). */
  ready: Promise<void>;
  /**
   * Resolves with the reason when the worker stopped by itself and the process should exit:
   * its account lock was taken by another worker, or Redis could not confirm it. By then it has
   * disconnected from Telegram and alerted the owners. Never rejects.
   */
  stoppedByItself: Promise<string>;
  /** The port of /healthz, /readyz and /metrics (config.metricsListen), once ready; undefined when not served. */
  metricsPort(): number | undefined;
  /** Who the session belongs to, once ready. */
  identity(): UserbotIdentity | undefined;
  /** Graceful, bounded, idempotent: stop taking jobs, finish or hand back in-flight ones, close everything. */
  stop(): Promise<void>;
}

/** How long the first connection (transport and session) may take before start-up gives up. */
const CONNECT_TIMEOUT_MS = 20_000;

class DeadlineError extends Error {}

/** Rejects with a DeadlineError when `work` has not settled within `ms`. */
function rejectAfter<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const DEFAULTS = {
  // A job mostly waits on one Telegram round trip; 8 in flight keeps a burst moving while
  // FLOOD_WAIT still pauses the whole queue for the account.
  concurrency: 8,
  invokeTimeoutMs: 15_000,
  lockDurationMs: 30_000,
  shutdownGraceMs: 10_000,
};

/**
 * Starts the userbot worker: takes the account lock (before connecting, so a second process
 * never reaches Telegram), connects gramjs, publishes the account's identity, then consumes the
 * calls queue. Usable in-process by tests, the launcher and the bench.
 */
export function startCallWorker(options: StartCallWorkerOptions): CallWorker {
  const { config, logger, prefix } = options;
  const now = options.now ?? Date.now;
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const runId = randomUUID();
  const ownsConnection = options.connection === undefined;
  const connection =
    options.connection ??
    createRedisConnection(config.redisUrl, { role: "worker", connectionName: "callbot-worker" });
  const floodGate = new FloodGate(now);
  /** Unix ms until which Telegram told the account to wait, or 0. */
  const floodWaitUntil = () => (floodGate.secondsLeft() > 0 ? now() + floodGate.secondsLeft() * 1000 : 0);
  const status = new WorkerStatusPublisher({
    redis: connection,
    prefix,
    logger,
    now,
    floodWaitUntil,
    ...(options.statusHeartbeatMs !== undefined && { heartbeatMs: options.statusHeartbeatMs }),
  });

  const metrics = createWorkerMetrics(() => status.current() ?? "starting");
  let metricsServer: MetricsServer | undefined;

  let lock: AccountLock | undefined;
  let client: TelegramClient | undefined;
  let worker: Worker | undefined;
  let callsQueue: CallsQueue | undefined;
  let resultsQueue: ResultsQueue | undefined;
  let sessionDeath: SessionDeath | undefined;
  let identity: UserbotIdentity | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;
  /** In-flight jobs with their lock tokens, so stop() can hand them back. */
  const active = new Map<string, { job: Job; token: string | undefined }>();

  let stoppedByItself!: (reason: string) => void;
  const stoppedByItselfPromise = new Promise<string>((resolve) => {
    stoppedByItself = resolve;
  });
  let lockLosses = 0;
  /** Tells the owners (through the bot) what happened to the account lock. Never throws. */
  const alertLockLost = async (lockOutcome: "retaken" | "stopped") => {
    lockLosses += 1;
    if (!resultsQueue) return;
    // Bounded: with Redis unreachable the alert cannot go, and stopping must not wait for it.
    const sent = await withDeadline(
      createResultsPublisher(resultsQueue).publish(
        { v: 1, kind: "worker-alert", alert: "account-lock-lost", lockOutcome, at: now() },
        resultJobIds.lockLost(runId, lockLosses),
      ),
      5_000,
      logger,
      "the owners' alert about the account lock",
    );
    if (!sent) logger.error("could not alert the owners about the account lock (Redis unreachable)");
  };
  /** The lock is another worker's now (or unconfirmed): send nothing more, disconnect, alert, stop. */
  const giveUpAccount = async (reason: string) => {
    // In-flight jobs are refused their requests now; they go back to the queue, not "failed".
    stopping = true;
    void worker?.pause(true);
    // Disconnect first: the other worker may connect as soon as it sees this one gone.
    if (client) await withDeadline(client.destroy(), 5_000, logger, "the Telegram client to close");
    await alertLockLost("stopped");
    const message =
      `Stopped using the Telegram account: ${reason}. Another worker may be using it now; two logins ` +
      "on one session make Telegram end both (AUTH_KEY_DUPLICATED). The owners were alerted. Make sure " +
      "exactly one worker runs, and start this one again only if none does.";
    logger.fatal(message);
    stoppedByItself(message);
    await stopOnce();
  };

  const start = async (): Promise<void> => {
    const lockKey = await accountLockKey(prefix, config.tgSession);
    // Before the lock: losing the lock must be reportable whenever it happens.
    resultsQueue = new Queue(QUEUE_NAMES.results, { connection, prefix });
    callsQueue = new Queue(QUEUE_NAMES.calls, { connection, prefix });
    if (config.metricsListen) {
      registerQueueCountGauge(metrics.registry, { calls: callsQueue, results: resultsQueue });
      // Before the lock too: /healthz answers (and /readyz says why not) while it is being taken.
      metricsServer = await startMetricsServer({
        listen: config.metricsListen,
        registry: metrics.registry,
        logger,
        readiness: async () =>
          workerReadiness({
            lockHeld: lock?.held() ?? false,
            session: status.current() ?? "starting",
            connected: client?.connected ?? false,
            floodWaitUntil: floodWaitUntil(),
            now: now(),
          }),
      });
    }
    lock = await acquireAccountLock({
      redis: connection,
      key: lockKey,
      logger,
      ...(options.accountLockTtlMs !== undefined ? { ttlMs: options.accountLockTtlMs } : {}),
      onLost: (reason) => void giveUpAccount(reason),
      onRetaken: () => void alertLockLost("retaken"),
    });
    if (stopping) return;

    client =
      options.client ??
      createUserbotClient({
        session: config.tgSession,
        apiId: config.tgApiId,
        apiHash: config.tgApiHash,
        logger,
        ...(config.tgDc ? { dial: config.tgDc } : {}),
        ...(config.tgDcPublicKey ? { serverPublicKey: config.tgDcPublicKey } : {}),
      });
    const where = config.tgDc ? `${config.tgDc.host}:${config.tgDc.port}` : "Telegram";
    // gramjs reconnects for ever when the server keeps closing the connection, which is what a
    // server does with an auth key it does not know: give the first connection a deadline.
    const connectDeadlineMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const connected = await rejectAfter(client.connect(), connectDeadlineMs).catch((error: unknown) => {
      const reason =
        error instanceof DeadlineError
          ? `no session was established within ${connectDeadlineMs / 1000} s. If the network is fine, ` +
            "the server does not know this session (TG_SESSION / TG_SESSION_FILE): make a new one with `pnpm session`"
          : error instanceof Error
            ? error.message
            : String(error);
      throw new Error(`cannot connect to ${where}: ${reason}`);
    });
    if (connected === false) throw new Error(`cannot connect to ${where}: no answer after several tries`);
    if (stopping) return;

    const invoke = whileLockHeld(
      lock,
      countTelegramRequests(
        invokeWithTimeout(client, { timeoutMs: settings.invokeTimeoutMs, floodGate }),
        metrics,
      ),
    );
    const publisher = createResultsPublisher(resultsQueue);
    const calls = callsQueue;
    sessionDeath = new SessionDeath({
      callsQueue: calls,
      publisher,
      pauseWorker: async () => {
        await worker?.pause(true);
      },
      markSessionDead: (errorName) => status.sessionDead(errorName),
      logger,
      now,
      runId,
    });

    try {
      identity = await publishUserbotIdentity(invoke, connection, prefix, now);
    } catch (error) {
      const facts = readTelegramFailure(error);
      if (failureCategory(facts) === "session") {
        await status.sessionDead(facts.errorName);
        await publisher.publish(
          { v: 1, kind: "worker-alert", alert: "session-dead", errorName: facts.errorName, at: now() },
          resultJobIds.sessionDead(runId),
        );
        throw new Error(
          `The Telegram session is dead (${facts.errorName}); the owners were alerted. ` +
            "Log the assistant account in again, set TG_SESSION (or TG_SESSION_FILE) and start the worker again.",
        );
      }
      throw error;
    }
    logger.info(
      { userbotId: identity.userId, username: identity.username },
      "logged in as the assistant account",
    );
    if (stopping) return;

    const callDeps = {
      invoke,
      resolveTarget: createTargetPeerResolver({
        invoke,
        cache: new PeerCache(connection, prefix, identity.userId, options.notInChatTtlSeconds),
        logger,
      }),
      publisher,
      floodGate,
      rateLimitQueue: async (ms: number) => {
        await calls.rateLimit(ms);
        await status.refresh(); // the flood wait shows in the published state at once
      },
      sessionDeath,
      logger,
      now,
      isShuttingDown: () => stopping,
      callsQueue: calls,
      isOperator: async (userId: number) => (await readOperators(connection, prefix)).includes(userId),
      rotationClaims: redisRtmpRotationClaims(connection, prefix),
      ...(options.recheckRightsAfterMs !== undefined
        ? { recheckRightsAfterMs: options.recheckRightsAfterMs }
        : {}),
      ...(options.recurringRecheckMs !== undefined ? { recurringRecheckMs: options.recurringRecheckMs } : {}),
    };
    const createCall = createGroupCallJob(callDeps);
    const callAction = callActionJob(callDeps);
    const recurringOccurrence = recurringOccurrenceJob(callDeps);
    const joinChat = joinChatJob({
      ...callDeps,
      readInviteLink: (requestId) => connection.get(joinInviteKey(prefix, requestId)),
    });
    // One queue, four kinds of job (CALLS_QUEUE_JOBS), told apart by name. A job of unknown name
    // or with data that does not fit fails for good in parseCallsJob, and never runs half-way.
    const processor = async (job: Job, token?: string): Promise<unknown> => {
      // A newer bot's job (an upgrade done bot first): refused with an answer, never run half-way.
      const tooNew = jobTooNew(job.name, job.data);
      if (tooNew) return refuseNewerJob(job, tooNew, { publisher, logger, now });
      const parsed = parseCallsJob(job);
      switch (parsed.name) {
        case "create-call":
          return createCall(job, parsed.data, token);
        case "call-action":
          return callAction(job, parsed.data);
        case "recurring-occurrence":
          return recurringOccurrence(job, parsed.data);
        case "join-chat":
          return joinChat(job, parsed.data);
      }
    };

    worker = new Worker(
      QUEUE_NAMES.calls,
      async (job, token) => {
        active.set(job.id ?? "", { job, token });
        try {
          return await processor(job, token);
        } finally {
          active.delete(job.id ?? "");
        }
      },
      {
        connection,
        prefix,
        concurrency: settings.concurrency,
        lockDuration: settings.lockDurationMs,
        // A job whose worker died twice fails as stalled (and reportFinalFailure tells the requester).
        maxStalledCount: 1,
        // BullMQ honours a manual rate limit (queue.rateLimit, used for FLOOD_WAIT) only when a
        // limiter is configured; this one is far above anything the account will see.
        limiter: { max: 1_000, duration: 1_000 },
      },
    );
    worker.on("failed", reportFinalFailure({ publisher, logger, now }));
    observeJobDurations({
      registry: metrics.registry,
      queue: "calls",
      worker,
      knownNames: Object.keys(CALLS_QUEUE_JOBS),
    });
    worker.on("error", (error) => logger.error({ err: error }, "BullMQ worker error"));
    await worker.waitUntilReady();
    await status.online(identity);
    logger.info({ concurrency: settings.concurrency, prefix }, "taking call jobs");
  };

  const ready = start();
  // stop() reports start-up failures through `ready`; avoid an unhandled rejection meanwhile.
  ready.catch(() => undefined);

  const stop = async (): Promise<void> => {
    stopping = true;
    await withDeadline(
      ready.catch(() => undefined),
      settings.shutdownGraceMs,
      logger,
      "start-up to settle",
    );
    if (worker) {
      // pause() stops fetching and waits for in-flight jobs; close() alone could not be forced later.
      const finished = await withDeadline(
        worker.pause(),
        settings.shutdownGraceMs,
        logger,
        "in-flight jobs to finish",
      );
      if (!finished) await handBack();
      await withDeadline(worker.close(!finished), 5_000, logger, "the BullMQ worker to close");
    }
    await withDeadline(sessionDeath?.settled() ?? Promise.resolve(), 5_000, logger, "session clean-up");
    await status.stopped();
    if (client) await withDeadline(client.destroy(), 5_000, logger, "the Telegram client to close");
    // Bounded: after losing the lock Redis may be the thing that is unreachable.
    await withDeadline(
      lock?.release() ?? Promise.resolve(),
      5_000,
      logger,
      "the account lock to be released",
    );
    await withDeadline(
      metricsServer?.close() ?? Promise.resolve(),
      2_000,
      logger,
      "the metrics server to close",
    );
    await withDeadline(
      Promise.allSettled([callsQueue?.close(), resultsQueue?.close()]),
      5_000,
      logger,
      "the queues to close",
    );
    if (ownsConnection) {
      const quit = await withDeadline(connection.quit(), 2_000, logger, "Redis to close");
      if (!quit) connection.disconnect();
    }
    logger.info("worker stopped");
  };

  /**
   * Puts jobs that did not finish in time back on the queue, so that another worker (or this
   * one after a restart) runs them again at once, with the same random_id, rather than after
   * their lock lapses. Not an attempt used: it is moved back as if never started.
   */
  const handBack = async () => {
    for (const [jobId, { job, token }] of active) {
      if (token === undefined) continue;
      await job.moveToWait(token).then(
        () => logger.warn({ jobId }, "handed an unfinished job back to the queue"),
        (error: unknown) =>
          logger.warn({ err: error, jobId }, "could not hand a job back; its lock will lapse"),
      );
    }
  };

  const stopOnce = () => {
    stopped ??= stop();
    return stopped;
  };

  return {
    ready,
    stoppedByItself: stoppedByItselfPromise,
    identity: () => identity,
    metricsPort: () => metricsServer?.port,
    stop: stopOnce,
  };
}

/** Refuses to send anything once the account lock is lost: another worker may be using the account. */
function whileLockHeld(lock: AccountLock, invoke: InvokeTelegram): InvokeTelegram {
  return (request) => (lock.held() ? invoke(request) : Promise.reject(new AccountLockLostError()));
}

/** Waits for `promise` at most `ms`; true when it settled in time. Never throws. */
async function withDeadline(
  promise: Promise<unknown>,
  ms: number,
  logger: Logger,
  what: string,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    const settled = await Promise.race([
      promise.then(
        () => true as const,
        (error: unknown) => {
          logger.warn({ err: error }, `error while waiting for ${what}`);
          return true as const;
        },
      ),
      timedOut,
    ]);
    if (!settled) logger.warn({ waitedMs: ms }, `gave up waiting for ${what}`);
    return settled;
  } finally {
    clearTimeout(timer);
  }
}

function definedOnly(options: StartCallWorkerOptions): Partial<typeof DEFAULTS> {
  const picked: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>) {
    const value = options[key];
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}
