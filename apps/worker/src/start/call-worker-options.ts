import type { UserbotIdentity, WorkerConfig } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { TelegramClient } from "telegram";
import type { ForwardTiming } from "../calls/forward-recording.ts";

export interface StartCallWorkerOptions {
  config: Pick<
    WorkerConfig,
    | "tgApiId"
    | "tgApiHash"
    | "tgSession"
    | "tgDc"
    | "tgDcPublicKey"
    | "tgConnectTimeoutMs"
    | "redisUrl"
    | "metricsListen"
  > &
    Partial<Pick<WorkerConfig, "allowRedisEviction">>;
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
  /** The first connection's deadline at start-up. @defaultValue config.tgConnectTimeoutMs, else CONNECT_TIMEOUT_MS (20000) */
  connectTimeoutMs?: number;
  /** Per Telegram request; must stay well below lockDurationMs. @defaultValue 15000 */
  invokeTimeoutMs?: number;
  /** BullMQ job lock: a worker that stops renewing it for this long loses the job to a retry. @defaultValue 30000 */
  lockDurationMs?: number;
  /** How long the account lock lives without renewal. @defaultValue DEFAULT_ACCOUNT_LOCK_TTL_MS (30000) */
  accountLockTtlMs?: number;
  /** A job older than this checks the requester's rights again before creating. @defaultValue DEFAULT_RECHECK_RIGHTS_AFTER_MS (60000) */
  recheckRightsAfterMs?: number;
  /** How long "the assistant is not in this chat" is remembered. @defaultValue NOT_IN_CHAT_TTL_SECONDS */
  notInChatTtlSeconds?: number;
  /** A recurring occurrence whose chat has another call checks again after this long. @defaultValue 300000 */
  recurringRecheckMs?: number;
  /** When a stopped recording is looked for in Saved Messages to be forwarded. @defaultValue DEFAULT_FORWARD_TIMING */
  forwardTiming?: ForwardTiming;
  /** An early planned call's job (the bot's calendar) looks at the clock again after at most this long. @defaultValue 3600000 */
  plannedHopMs?: number;
  /** How often the published "online" state is renewed. @defaultValue WORKER_STATUS_HEARTBEAT_MS */
  statusHeartbeatMs?: number;
  /** How long stop() lets in-flight jobs finish before handing them back. @defaultValue 10000 */
  shutdownGraceMs?: number;
  /** The end-when-empty watch's minute (its tick, and the unit of /endwhenempty N); tests shorten it. @defaultValue 60000 */
  emptyWatchMinuteMs?: number;
  /** The clock (Unix ms); tests move it. @defaultValue Date.now */
  now?: () => number;
}

/** A started worker; startCallWorker returns it at once, `ready` says when it takes jobs. */
export interface CallWorker {
  /** Resolves once the worker takes jobs; rejects if it cannot start (Redis, lock held, Telegram unreachable, dead session). */
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

const DEFAULTS = {
  // A job mostly waits on one Telegram round trip; 8 in flight keeps a burst moving while
  // FLOOD_WAIT still pauses the whole queue for the account.
  concurrency: 8,
  invokeTimeoutMs: 15_000,
  lockDurationMs: 30_000,
  shutdownGraceMs: 10_000,
};

export type CallWorkerSettings = typeof DEFAULTS;

/** The options that have a default here, with the default where the caller gave none. */
export function callWorkerSettings(options: StartCallWorkerOptions): CallWorkerSettings {
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as Array<keyof CallWorkerSettings>) {
    const value = options[key];
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}
