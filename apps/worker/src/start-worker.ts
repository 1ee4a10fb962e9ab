import { randomUUID } from "node:crypto";
import {
  accountCallsQueueName,
  assertRedisReachable,
  type CallsQueue,
  checkRedisAtStartUp,
  createRedisConnection,
  type EmptyWatchRequest,
  joinInviteKey,
  type MetricsServer,
  QUEUE_NAMES,
  type ResultsQueue,
  readAssistantRegistry,
  readOperators,
  rememberAssistantRegistry,
  settleWithin,
  type UserbotIdentity,
  WORKER_STATUS_HEARTBEAT_MS,
} from "@callbot/shared";
import { Queue } from "bullmq";
import type { TelegramClient } from "telegram";
import { AccountQueues } from "./assistants/account-queues.ts";
import { failOverJob, handOnRunningAction } from "./assistants/fail-over-job.ts";
import { learnOwnRights } from "./assistants/learn-own-rights.ts";
import { routeIntakeJob } from "./assistants/route-intake-job.ts";
import { startDeadAccountSweep } from "./assistants/sweep-dead-accounts.ts";
import { redisChatCreateTurns } from "./calls/chat-create-turns.ts";
import { type CallsQueueConsumer, consumeCallsQueue } from "./calls/consume-calls-queue.ts";
import { endLookOfDeadAccount } from "./calls/end-look-of-dead-account.ts";
import { redisRecordingClaims } from "./calls/recording-claims.ts";
import { recordingLookers } from "./calls/recording-lookers.ts";
import { redisRecordingLookouts } from "./calls/recording-lookouts.ts";
import { redisRecordingStarters } from "./calls/recording-starters.ts";
import { routeCallsJob } from "./calls/route-calls-job.ts";
import { redisRtmpRotationClaims } from "./calls/rtmp-rotation-claims.ts";
import { followParticipantCounts, ParticipantCounts } from "./empty-watch/participant-counts.ts";
import { publishWatchStopped } from "./empty-watch/publish-watch-stopped.ts";
import { identifyAssistant } from "./identity/identify-assistant.ts";
import { type AccountLock, acquireAccountLock } from "./lock/account-lock.ts";
import { accountLockKey } from "./lock/account-lock-key.ts";
import { alertLockLost } from "./lock/alert-lock-lost.ts";
import { whileLockHeld } from "./lock/while-lock-held.ts";
import { countTelegramRequests } from "./metrics/count-telegram-requests.ts";
import { serveWorkerHealth } from "./metrics/serve-worker-health.ts";
import { createWorkerMetrics } from "./metrics/worker-metrics.ts";
import { PeerCache } from "./peers/peer-cache.ts";
import { createTargetPeerResolver } from "./peers/resolve-target-peer.ts";
import { createResultsPublisher } from "./results/results-publisher.ts";
import { SessionDeath } from "./session/session-death.ts";
import {
  type CallWorker,
  callWorkerSettings,
  type StartCallWorkerOptions,
} from "./start/call-worker-options.ts";
import { stopCallWorker } from "./start/stop-call-worker.ts";
import { WorkerStatusPublisher } from "./status/worker-status-publisher.ts";
import { connectUserbot } from "./telegram/connect-userbot.ts";
import { FloodGate } from "./telegram/flood-gate.ts";
import { invokeWithTimeout } from "./telegram/invoke-with-timeout.ts";
import { rememberSelf } from "./telegram/remember-self.ts";
import { userbotClientFromConfig } from "./telegram/userbot-client-from-config.ts";

export type { CallWorker, StartCallWorkerOptions } from "./start/call-worker-options.ts";

/**
 * Starts the whole worker process in-process, in the order startBot starts the bot: Redis checks,
 * /healthz and /metrics, the account lock (before connecting, so a second process never reaches
 * Telegram), the gramjs login, the account's identity for the bot, then the calls queue. main.ts,
 * the launcher, the tests and the bench all use this.
 *
 * Returns at once: `ready` says when jobs are taken (or why not), and stop() works at any point
 * of start-up.
 *
 * @example
 * const worker = startCallWorker({ config, logger, prefix: config.queuePrefix });
 * await worker.ready;
 * // ...
 * await worker.stop();
 */
export function startCallWorker(options: StartCallWorkerOptions): CallWorker {
  const { config, logger, prefix } = options;
  const now = options.now ?? Date.now;
  const settings = callWorkerSettings(options);
  const runId = randomUUID();
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
    running: () => (consumer?.running() ?? 0) + (ownConsumer?.running() ?? 0),
    ...(options.statusHeartbeatMs !== undefined && { heartbeatMs: options.statusHeartbeatMs }),
  });
  const metrics = createWorkerMetrics(() => status.current() ?? "starting");

  let metricsServer: MetricsServer | undefined;
  let lock: AccountLock | undefined;
  let client: TelegramClient | undefined;
  /** The shared intake's consumer: every worker drains it, and routes what it takes. */
  let consumer: CallsQueueConsumer | undefined;
  /** This account's own queue's consumer: the jobs routed to it. */
  let ownConsumer: CallsQueueConsumer | undefined;
  const accountQueues = new AccountQueues(connection, prefix);
  /** The intake router's read of the account registry; forgotten when this account floods or dies. */
  const registry = rememberAssistantRegistry({ redis: connection, prefix, now });
  let stopSweep: (() => void) | undefined;
  let callsQueue: CallsQueue | undefined;
  let resultsQueue: ResultsQueue | undefined;
  let sessionDeath: SessionDeath | undefined;
  let identity: UserbotIdentity | undefined;
  let stopping = false;
  let stopped: Promise<void> | undefined;

  let stoppedByItself!: (reason: string) => void;
  const stoppedByItselfPromise = new Promise<string>((resolve) => {
    stoppedByItself = resolve;
  });
  let lockLosses = 0;
  const alertOwners = (lockOutcome: "retaken" | "stopped") => {
    lockLosses += 1;
    if (!resultsQueue) return Promise.resolve();
    const publisher = createResultsPublisher(resultsQueue);
    return alertLockLost(publisher, { lockOutcome, runId, count: lockLosses, now }, logger);
  };
  /** The lock is another worker's now (or unconfirmed): send nothing more, disconnect, alert, stop. */
  const giveUpAccount = async (reason: string) => {
    // In-flight jobs are refused their requests now; they go back to the queue, not "failed".
    stopping = true;
    void consumer?.worker.pause(true);
    void ownConsumer?.worker.pause(true);
    // Disconnect first: the other worker may connect as soon as it sees this one gone.
    if (client) await settleWithin(client.destroy(), 5_000, "the Telegram client to close", logger);
    await alertOwners("stopped");
    const message =
      `Stopped using the Telegram account: ${reason}. Another worker may be using it now; two logins ` +
      "on one session make Telegram end both (AUTH_KEY_DUPLICATED). The owners were alerted. Make sure " +
      "exactly one worker runs, and start this one again only if none does.";
    logger.fatal(message);
    stoppedByItself(message);
    await stopOnce();
  };

  const start = async (): Promise<void> => {
    // As startBot does: one clear sentence when Redis is missing, instead of reconnecting for ever.
    await assertRedisReachable(config.redisUrl);
    // Before the lock: losing the lock must be reportable whenever it happens.
    resultsQueue = new Queue(QUEUE_NAMES.results, { connection, prefix });
    callsQueue = new Queue(QUEUE_NAMES.calls, { connection, prefix });
    if (config.metricsListen) {
      // Before the lock too: /healthz answers (and /readyz says why not) while it is being taken.
      metricsServer = await serveWorkerHealth({
        listen: config.metricsListen,
        metrics,
        queues: { calls: callsQueue, results: resultsQueue },
        logger,
        facts: () => ({
          lockHeld: lock?.held() ?? false,
          session: status.current() ?? "starting",
          connected: client?.connected ?? false,
          floodWaitUntil: floodWaitUntil(),
          now: now(),
        }),
      });
    }
    await checkRedisAtStartUp(connection, { allowEviction: config.allowRedisEviction ?? false, logger });
    lock = await acquireAccountLock({
      redis: connection,
      key: await accountLockKey(prefix, config.tgSession),
      logger,
      ...(options.accountLockTtlMs !== undefined ? { ttlMs: options.accountLockTtlMs } : {}),
      onLost: (reason) => void giveUpAccount(reason),
      onRetaken: () => void alertOwners("retaken"),
    });
    if (stopping) return;

    client = options.client ?? userbotClientFromConfig(config, logger);
    await connectUserbot(client, config.tgDc, options.connectTimeoutMs ?? config.tgConnectTimeoutMs);
    if (stopping) return;
    const participantCounts = new ParticipantCounts(now);

    const invoke = whileLockHeld(
      lock,
      countTelegramRequests(
        invokeWithTimeout(client, { timeoutMs: settings.invokeTimeoutMs, floodGate }),
        metrics,
      ),
    );
    const publisher = createResultsPublisher(resultsQueue);
    const calls = callsQueue;
    const failOverDeps = { redis: connection, prefix, queues: accountQueues, logger, now };
    const tellWatchStopped = (request: EmptyWatchRequest) =>
      publishWatchStopped(request, {
        publisher,
        account: { id: identity?.userId ?? 0, username: identity?.username },
        now,
      });
    sessionDeath = new SessionDeath({
      // The shared intake too when no other account is online to take it: a single account's
      // waiting requesters are told, as always.
      queuesToEmpty: async () => {
        const own = identity ? [accountQueues.of(identity.userId)] : [];
        const othersOnline = (await readAssistantRegistry(connection, prefix)).entries.some(
          (entry) => entry.state === "online" && entry.accountId !== identity?.userId,
        );
        return othersOnline ? own : [...own, calls];
      },
      moveElsewhere: async (job) =>
        (await endLookOfDeadAccount(
          job,
          redisRecordingLookouts(connection, prefix, identity?.userId ?? 0),
        )) || failOverJob(job, identity?.userId ?? 0, failOverDeps),
      tellWatchStopped,
      publisher,
      pauseWorker: async () => {
        await Promise.all([consumer?.worker.pause(true), ownConsumer?.worker.pause(true)]);
      },
      markSessionDead: async (errorName) => {
        await status.sessionDead(errorName);
        registry.forget();
      },
      logger,
      now,
      runId,
    });
    const userbot = client;
    identity = await identifyAssistant({
      invoke,
      redis: connection,
      prefix,
      status,
      publisher,
      runId,
      now,
      onSelf: (me) => rememberSelf(userbot, me),
    });
    // The end-when-empty watch reads participants_count from pushed updateGroupCall updates;
    // followed once gramjs knows who it is, so that no update makes it ask (rememberSelf).
    followParticipantCounts(client, participantCounts);
    logger.info(
      { userbotId: identity.userId, username: identity.username },
      "logged in as the assistant account",
    );
    if (stopping) return;

    const accountId = identity.userId;
    const recordingStarters = redisRecordingStarters(connection, prefix);
    const runJob = routeCallsJob({
      invoke,
      resolveTarget: createTargetPeerResolver({
        invoke,
        cache: new PeerCache(connection, prefix, identity.userId, options.notInChatTtlSeconds),
        logger,
      }),
      publisher,
      floodGate,
      rateLimitQueue: async (ms: number) => {
        // This account's own queue only: other accounts go on. A job of the shared intake that
        // met the flood goes back there, and comes to this queue when taken again (routeIntakeJob).
        await (identity ? accountQueues.of(identity.userId) : calls).rateLimit(ms);
        await status.refresh(); // the flood wait shows in the published state at once
        registry.forget(); // and in this worker's routing
      },
      sessionDeath,
      handOn: (job) => handOnRunningAction(job, identity?.userId ?? 0, failOverDeps),
      logger,
      now,
      isShuttingDown: () => stopping,
      callsQueue: calls,
      isOperator: async (userId: number) => (await readOperators(connection, prefix)).includes(userId),
      rotationClaims: redisRtmpRotationClaims(connection, prefix),
      recordingClaims: redisRecordingClaims(connection, prefix, identity.userId),
      recordingStarters,
      accountId: identity.userId,
      readInviteLink: (requestId) => connection.get(joinInviteKey(prefix, requestId)),
      participantCounts,
      emptyWatchMinuteMs: options.emptyWatchMinuteMs ?? 60_000,
      tellWatchStopped,
      ...(options.recheckRightsAfterMs !== undefined && {
        recheckRightsAfterMs: options.recheckRightsAfterMs,
      }),
      ...(options.recurringRecheckMs !== undefined && { recurringRecheckMs: options.recurringRecheckMs }),
      // A stopped recording lands in this account's Saved Messages, or in the starter's: each
      // looks in its own (recordingLookers), and the one that finds it forwards it.
      recordingForwards: {
        lookersOf: (callId) =>
          recordingLookers({ redis: connection, prefix, starters: recordingStarters }, accountId, callId),
        queueOf: (id) => accountQueues.of(id),
        lookouts: redisRecordingLookouts(connection, prefix, identity.userId),
      },
      ...(options.forwardTiming !== undefined && { forwardTiming: options.forwardTiming }),
      ...(options.plannedHopMs !== undefined && { plannedHopMs: options.plannedHopMs }),
      redis: connection,
      prefix,
      chatTurns: redisChatCreateTurns({ redis: connection, prefix }),
    });
    const consumerOptions = {
      connection,
      prefix,
      concurrency: settings.concurrency,
      lockDurationMs: settings.lockDurationMs,
      publisher,
      registry: metrics.registry,
      logger,
      now,
    };
    const runHere = learnOwnRights(runJob, { redis: connection, prefix, accountId, now });
    ownConsumer = consumeCallsQueue({
      ...consumerOptions,
      queueName: accountCallsQueueName(accountId),
      process: runHere,
    });
    consumer = consumeCallsQueue({
      ...consumerOptions,
      process: routeIntakeJob({
        redis: connection,
        prefix,
        accountId,
        queues: accountQueues,
        registry,
        runHere,
        floodWaitUntil,
        logger,
        now,
        ...(options.plannedHopMs !== undefined && { plannedHopMs: options.plannedHopMs }),
      }),
    });
    await Promise.all([consumer.worker.waitUntilReady(), ownConsumer.worker.waitUntilReady()]);
    await status.online(identity);
    stopSweep = startDeadAccountSweep(
      { ...failOverDeps, accountId, registry },
      options.statusHeartbeatMs ?? WORKER_STATUS_HEARTBEAT_MS,
    );
    logger.info({ concurrency: settings.concurrency, prefix }, "taking call jobs");
  };

  const ready = start();
  // stop() reports start-up failures through `ready`; avoid an unhandled rejection meanwhile.
  ready.catch(() => undefined);

  const stopOnce = () => {
    stopped ??= (async () => {
      stopping = true;
      await settleWithin(
        ready.catch(() => undefined),
        settings.shutdownGraceMs,
        "start-up to settle",
        logger,
      );
      await stopCallWorker(
        {
          consumers: [consumer, ownConsumer],
          stopSweep,
          accountQueues,
          sessionDeath,
          status,
          client,
          lock,
          metricsServer,
          queues: [callsQueue, resultsQueue],
          ownConnection: options.connection ? undefined : connection,
        },
        settings.shutdownGraceMs,
        logger,
      );
    })();
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
