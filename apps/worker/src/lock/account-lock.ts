import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** Extends the lock only if we still hold it (another process may have taken it after a stall). */
const RENEW_IF_OWNER = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lock only if we still hold it, so a late release never frees someone else's lock. */
const DELETE_IF_OWNER = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

export interface AccountLockOptions {
  redis: Redis;
  key: string;
  logger: Logger;
  /** How long the lock survives a process that died without releasing it. */
  ttlMs?: number;
  /** Renewal period; a third of the TTL leaves room for two missed renewals. */
  renewEveryMs?: number;
  /** Called once when a renewal finds the lock gone or taken: the caller must stop using the account. */
  onLost?: (reason: string) => void;
}

export interface AccountLock {
  readonly key: string;
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

export const DEFAULT_ACCOUNT_LOCK_TTL_MS = 30_000;

/**
 * Takes the per-account lock with SET NX PX and keeps renewing it; throws AccountLockHeldError
 * when another process holds it.
 */
export async function acquireAccountLock(options: AccountLockOptions): Promise<AccountLock> {
  const { redis, key, logger } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_ACCOUNT_LOCK_TTL_MS;
  const renewEveryMs = options.renewEveryMs ?? Math.floor(ttlMs / 3);
  const token = `${hostname()} pid ${process.pid} (${randomUUID()})`;

  const taken = await redis.set(key, token, "PX", ttlMs, "NX");
  if (taken !== "OK") {
    const [holder, pttl] = await Promise.all([redis.get(key), redis.pttl(key)]);
    throw new AccountLockHeldError(key, holder ?? "a process that just released it", Math.max(pttl, 0));
  }

  let released = false;
  let lost = false;
  const renew = async () => {
    try {
      const renewed = await redis.eval(RENEW_IF_OWNER, 1, key, token, String(ttlMs));
      if (renewed === 0 && !lost && !released) {
        lost = true;
        const reason = `the account lock "${key}" was lost (expired during a stall, or taken by another process)`;
        logger.error({ lockKey: key }, reason);
        options.onLost?.(reason);
      }
    } catch (error) {
      // A missed renewal is not fatal: the TTL covers two more periods, and ioredis reconnects.
      logger.warn({ err: error, lockKey: key }, "could not renew the account lock; will try again");
    }
  };
  const timer = setInterval(() => void renew(), renewEveryMs);
  timer.unref();

  return {
    key,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      try {
        await redis.eval(DELETE_IF_OWNER, 1, key, token);
      } catch (error) {
        logger.warn({ err: error, lockKey: key }, "could not release the account lock; it expires by itself");
      }
    },
  };
}
