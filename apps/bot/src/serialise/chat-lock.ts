import { AsyncLocalStorage } from "node:async_hooks";
import type { Context, MiddlewareFn } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { Mutex } from "redis-semaphore";

/** The lock an update holds while it is handled: its key and the holder's token (the fence). */
export interface ChatFence {
  lockKey: string;
  token: string;
}

export interface ChatLockOptions {
  /**
   * How long the lock outlives a holder that stopped renewing it (a dead or frozen process): the
   * longest another replica waits for a chat whose holder died. Renewed every third of it while
   * the update runs. @defaultValue 15_000
   */
  lockTimeoutMs: number;
  /** How long an update waits for its chat's lock before it fails (and is answered as an error). @defaultValue 30_000 */
  acquireTimeoutMs: number;
  /** How often a waiting update tries again. @defaultValue 25 */
  retryIntervalMs: number;
  /** How long a handled update's id is remembered (Telegram keeps an unconfirmed update 24 h). */
  handledTtlSeconds: number;
}

export const DEFAULT_CHAT_LOCK_OPTIONS: Omit<ChatLockOptions, "handledTtlSeconds"> = {
  lockTimeoutMs: 15_000,
  acquireTimeoutMs: 30_000,
  retryIntervalMs: 25,
};

/** Update ids remembered per chat: enough for every redelivery Telegram may still send. */
const HANDLED_PER_CHAT = 100;

/**
 * One update of a chat at a time across every bot process sharing Redis, and each update once.
 *
 * Why: in webhook mode Telegram POSTs up to max_connections updates at once, and behind a load
 * balancer two updates of one conversation can reach two replicas. The guided /newcall keeps its
 * state in Redis and rewrites it on every answer, so two answers handled side by side would lose
 * one. grammY's sequentialize only orders updates inside one process; this lock (redis-semaphore's
 * Mutex: SET NX PX, renewed while held, released by a compare-and-delete script) orders them
 * across processes. Inside it, an update id already handled for the chat (a redelivery after a
 * slow answer, to this replica or another) is dropped.
 *
 * The lock can still be lost: a process frozen longer than lockTimeoutMs, or Redis failing over.
 * Writes that must not happen then check the lock in the same script (fencedWrite in
 * fenced-conversation-storage.ts), so a stale holder's write is refused rather than applied.
 *
 * Keys: `mutex:<prefix>:bot:chat-lock:<chatId>` (the library adds `mutex:`; with a hash-tagged
 * prefix like `{callbot}` it shares the slot of every other callbot key) and
 * `<prefix>:bot:handled-updates:<chatId>` (a sorted set of update ids).
 */
export class ChatLock {
  private readonly held = new AsyncLocalStorage<ChatFence>();
  private readonly options: ChatLockOptions;

  constructor(
    private readonly deps: {
      redis: Redis;
      prefix: string;
      logger: Logger;
      options: Partial<ChatLockOptions> & Pick<ChatLockOptions, "handledTtlSeconds">;
    },
  ) {
    this.options = { ...DEFAULT_CHAT_LOCK_OPTIONS, ...deps.options };
  }

  /** The lock held by the update being handled here, if any (for fenced writes). */
  currentFence(): ChatFence | undefined {
    return this.held.getStore();
  }

  /** Handles each update of a chat under the chat's lock, and an update seen before not at all. */
  middleware(): MiddlewareFn<Context> {
    return async (ctx, next) => {
      const chatId = ctx.chat?.id;
      if (chatId === undefined) return next();
      const resource = `${this.deps.prefix}:bot:chat-lock:${chatId}`;
      const mutex = new Mutex(this.deps.redis, resource, {
        lockTimeout: this.options.lockTimeoutMs,
        acquireTimeout: this.options.acquireTimeoutMs,
        retryInterval: this.options.retryIntervalMs,
        refreshInterval: Math.floor(this.options.lockTimeoutMs / 3),
        onLockLost: (error) =>
          this.deps.logger.warn({ err: error, chatId }, "a chat's lock was lost while its update ran"),
      });
      await mutex.acquire();
      try {
        const handledKey = `${this.deps.prefix}:bot:handled-updates:${chatId}`;
        const updateId = ctx.update.update_id;
        if ((await this.deps.redis.zscore(handledKey, updateId)) !== null) {
          this.deps.logger.info({ updateId, chatId }, "update delivered again; already handled");
          return;
        }
        await this.held.run({ lockKey: `mutex:${resource}`, token: mutex.identifier }, next);
        await this.deps.redis
          .multi()
          .zadd(handledKey, updateId, updateId)
          .zremrangebyrank(handledKey, 0, -HANDLED_PER_CHAT - 1)
          .expire(handledKey, this.options.handledTtlSeconds)
          .exec();
      } finally {
        await mutex.release();
      }
    };
  }
}
