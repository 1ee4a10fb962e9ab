import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * One renewal, atomically: extend the lock if we hold it (1); take it back if it is gone, e.g.
 * after a Redis restart without its data (2); report it taken by another process (0). Each
 * success also refreshes the "seen" key, which tells a starting process that a holder was alive
 * moments ago. KEYS: lock, seen. ARGV: token, ttl ms.
 */
const RENEW_OR_RETAKE = `
local current = redis.call("GET", KEYS[1])
if current == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  redis.call("SET", KEYS[2], ARGV[1], "PX", ARGV[2])
  return 1
end
if current == false then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
  redis.call("SET", KEYS[2], ARGV[1], "PX", ARGV[2])
  return 2
end
return 0`;
/** Deletes the lock (and our "seen" mark) only if we still hold it, so a late release never frees someone else's lock. */
const DELETE_IF_OWNER = `if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("DEL", KEYS[2]) return redis.call("DEL", KEYS[1]) else return 0 end`;

export interface AccountLockOptions {
  redis: Redis;
  key: string;
  logger: Logger;
  /** How long the lock survives a process that died without releasing it. */
  ttlMs?: number;
  /** Renewal period; a third of the TTL leaves room for two missed renewals. */
  renewEveryMs?: number;
  /**
   * Called once when the lock is no longer ours: taken by another process, or not confirmed by
   * Redis for a whole TTL (an outage or a partition, during which another process may have
   * taken it). The caller must stop using the account at once: disconnect from Telegram.
   */
  onLost?: (reason: string) => void;
  /** Called when the lock had vanished (nobody else held it) and this process took it back. */
  onRetaken?: (reason: string) => void;
  /**
   * A starting process that finds another holder's recent "seen" mark (the lock itself having
   * vanished) waits this long, then checks the lock is still its own, before it may use the
   * account: long enough for that holder's next renewal to find the lock taken and disconnect.
   * @defaultValue renewEveryMs + 5000
   */
  settleMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface AccountLock {
  readonly key: string;
  /** False once the lock was lost (or released): nothing may be sent to Telegram any more. */
  held(): boolean;
  /** Stops renewing and deletes the lock if we still hold it. Idempotent. */
  release(): Promise<void>;
}

/** A second process tried to use an account that another process holds. */
export class AccountLockHeldError extends Error {
  override readonly name = "AccountLockHeldError";

  constructor(
    readonly key: string,
    readonly holder: string,
    readonly expiresInMs: number,
  ) {
    super(
      `Another worker is already using this Telegram account (Redis lock "${key}", held by ${holder}, ` +
        `expires in ${Math.ceil(expiresInMs / 1000)} s unless renewed). Only one process may use a session ` +
        "at a time: Telegram ends both with AUTH_KEY_DUPLICATED otherwise. Stop the other worker, or, if it " +
        "was killed, wait for the lock to expire and start again.",
    );
  }
}

/**
 * A request refused because the account lock is lost. Its job is retried later (by whichever
 * worker holds the account then), never reported as failed: `category` tells the error mapper.
 */
export class AccountLockLostError extends Error {
  override readonly name = "AccountLockLostError";
  readonly errorMessage = "ACCOUNT_LOCK_LOST";
  readonly category = "retry";

  constructor() {
    super("not sent: this worker no longer holds the Telegram account's lock");
  }
}

export const DEFAULT_ACCOUNT_LOCK_TTL_MS = 30_000;

/** The key that says "a holder of this lock was alive within the last TTL". */
export function seenKeyOf(lockKey: string): string {
  return `${lockKey}:seen`;
}

/**
 * Takes the per-account lock with SET NX PX and keeps renewing it; throws AccountLockHeldError
 * when another process holds it.
 *
 * The lock can vanish while its holder runs (Redis restarted without its data, a failover, a
 * deleted key). Then a renewal takes it back when nobody else holds it (onRetaken), and reports
 * it lost when another process does (onLost): that holder must disconnect from Telegram. A
 * newcomer that takes a vanished lock while the old holder's "seen" mark is still there waits
 * `settleMs` before use, so that the old holder has disconnected before the newcomer connects:
 * two logins on one session make Telegram end both (AUTH_KEY_DUPLICATED).
 */
export async function acquireAccountLock(options: AccountLockOptions): Promise<AccountLock> {
  const { redis, key, logger } = options;
  const seenKey = seenKeyOf(key);
  const ttlMs = options.ttlMs ?? DEFAULT_ACCOUNT_LOCK_TTL_MS;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(ttlMs / 3);
  const settleMs = options.settleMs ?? renewEveryMs + 5_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const token = `${hostname()} pid ${process.pid} (${randomUUID()})`;

  const taken = await redis.set(key, token, "PX", ttlMs, "NX");
  if (taken !== "OK") {
    const [holder, pttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
    throw new AccountLockHeldError(key, holder ?? "a process that just released it", Math.max(pttl, 0));
  }
  let released = false;
  let lost = false;
  /** False while a newcomer waits for an old holder to let go: a loss then only fails start-up. */
  let acquired = false;
  let lastConfirmedAt = Date.now();
  const loseIt = (reason: string) => {
    if (lost || released) return;
    lost = true;
    clearInterval(timer);
    redis.off("ready", renew);
    if (!acquired) return;
    logger.error({ lockKey: key }, reason);
    options.onLost?.(reason);
  };
  const renew = async () => {
    if (lost || released) return;
    try {
      const outcome = await redis.eval(RENEW_OR_RETAKE, 2, key, seenKey, token, String(ttlMs));
      if (lost || released) return;
      if (outcome === 0) {
        loseIt(`the account lock "${key}" was taken by another worker`);
        return;
      }
      lastConfirmedAt = Date.now();
      if (outcome === 2 && acquired) {
        const reason = `the account lock "${key}" had vanished from Redis; nobody else held it, so it was taken back`;
        logger.warn({ lockKey: key }, reason);
        options.onRetaken?.(reason);
      }
    } catch (error) {
      // A missed renewal is not fatal: the TTL covers two more periods, and ioredis reconnects.
      logger.warn({ err: error, lockKey: key }, "could not renew the account lock; will try again");
    }
  };
  const watch = () => {
    // Commands wait while Redis is unreachable; after a whole TTL without a confirmation the
    // lock may have expired and been taken elsewhere (a failover, a partition).
    const silentMs = Date.now() - lastConfirmedAt;
    if (silentMs >= ttlMs) {
      loseIt(`Redis has not confirmed the account lock "${key}" for ${Math.round(silentMs / 1000)} s`);
      return;
    }
    void renew();
  };
  const timer = setInterval(watch, renewEveryMs);
  timer.unref();
  // Right after a reconnect (Redis may have restarted empty), before anyone else can take it.
  redis.on("ready", renew);

  const previous = await redis.set(seenKey, token, "PX", ttlMs, "GET");
  if (previous !== null && previous !== token) {
    // The lock was free, yet another holder was alive within the last TTL: its lock vanished
    // under it. Give it time to find out and disconnect before this process connects (the
    // renewals above keep this lock meanwhile).
    logger.warn(
      { lockKey: key, waitMs: settleMs },
      "the account lock was free but another worker held it moments ago; waiting for it to let go",
    );
    await sleep(settleMs);
    const still = lost ? null : await redis.get(key);
    if (still !== token) {
      clearInterval(timer);
      redis.off("ready", renew);
      const pttl = await redis.pttl(key);
      throw new AccountLockHeldError(key, still ?? "another process", Math.max(pttl, 0));
    }
  }
  acquired = true;

  return {
    key,
    held: () => !lost && !released,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      redis.off("ready", renew);
      try {
        await redis.eval(DELETE_IF_OWNER, 2, key, seenKey, token);
      } catch (error) {
        logger.warn({ err: error, lockKey: key }, "could not release the account lock; it expires by itself");
      }
    },
  };
}
