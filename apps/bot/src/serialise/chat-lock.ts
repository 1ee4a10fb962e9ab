import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { sequentialize } from "@grammyjs/runner";
import { Composer, type Context } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { evalScript } from "../redis/eval-script.ts";
import { isRedisUnavailable } from "../redis/is-redis-unavailable.ts";

/**
 * What an update holds while it is handled: its chat's lock in Redis (its key and the holder's
 * token, the fence), or, when this process is the only one handling updates, its turn in this
 * process's per-chat queue.
 */
export type ChatFence = { kind: "redis"; lockKey: string; token: string } | { kind: "process" };

/**
 * Who may handle a chat's updates at the same time:
 * - "replicas": any bot process on the same Redis (webhook mode behind a load balancer, Telegram
 *   retrying a delivery to another replica, or a caller feeding updates itself);
 * - "process": this process alone. In long polling Telegram gives updates to one getUpdates
 *   consumer per bot token and confirms each batch with the next request, so grammY's in-process
 *   queue is the whole of the ordering: no Redis lock, no handled-update ids (2 round trips per
 *   update saved). A /newcall delivered again is still caught by its request ledger.
 */
export type ChatLockScope = "replicas" | "process";

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
  /** @defaultValue "replicas" */
  scope: ChatLockScope;
}

export const DEFAULT_CHAT_LOCK_OPTIONS: Omit<ChatLockOptions, "handledTtlSeconds"> = {
  lockTimeoutMs: 15_000,
  acquireTimeoutMs: 30_000,
  retryIntervalMs: 25,
  scope: "replicas",
};

/** The fence of every update when one process handles them all. */
const PROCESS_FENCE: ChatFence = { kind: "process" };

/** Update ids remembered per chat: enough for every redelivery Telegram may still send. */
const HANDLED_PER_CHAT = 100;

/** 2: this update was handled before; 1: the lock is ours; 0: another holds it. */
const ACQUIRE = `
if redis.call("ZSCORE", KEYS[2], ARGV[3]) then return 2 end
if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
return 0`;

/** Marks the update handled (when ARGV[2] is set) and releases the lock if it is still ours. */
const RELEASE = `
if ARGV[2] ~= "" then
  redis.call("ZADD", KEYS[2], ARGV[2], ARGV[2])
  redis.call("ZREMRANGEBYRANK", KEYS[2], 0, -tonumber(ARGV[3]) - 1)
  redis.call("EXPIRE", KEYS[2], ARGV[4])
end
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`;

/** Extends the lock while it is still ours; 0 when it was lost. */
const RENEW = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 0`;

type RedisFence = Extract<ChatFence, { kind: "redis" }>;

/** The chat's lock stayed taken for the whole wait. */
export class ChatBusyError extends Error {
  override readonly name = "ChatBusyError";
  constructor(chatId: number, ms: number) {
    super(`chat ${chatId} stayed locked by another update for ${ms} ms`);
  }
}

/**
 * One update of a chat at a time across every bot process sharing Redis, and each update once.
 *
 * Why: in webhook mode Telegram POSTs up to max_connections updates at once (one chat's messages
 * in turn, but a button press beside them), behind a load balancer two updates of one chat can
 * reach two replicas, and a delivery Telegram retries after a slow answer can reach another
 * replica while the first still works on it. The guided /newcall keeps its state in Redis and
 * rewrites it on every answer, so two answers handled side by side would lose one; a command
 * handled twice answers twice.
 *
 * How: grammY's sequentialize queues a chat's updates in memory inside this process; then a Redis
 * lock (SET NX PX with a random token, renewed every third of its lifetime while the update runs,
 * released by a compare-and-delete script) orders them across processes. The check "was this
 * update id handled for this chat?" runs in the acquiring script, and the id is recorded in the
 * releasing one, so the lock and the once-only check cost two round trips per update together.
 * (redis-semaphore's Mutex does the same lock, but with separate round trips for the check.)
 *
 * The lock can still be lost: a process frozen longer than lockTimeoutMs, or a Redis failover.
 * Writes that must not happen then check the token in the same script (fenced-conversation-
 * storage.ts), so a stale holder's write is refused rather than applied. An update that dies
 * between its work and the release is handled again on redelivery (at least once, not at most).
 *
 * With scope "process" (long polling) only grammY's queue runs: see ChatLockScope.
 *
 * Keys: `<prefix>:bot:chat-lock:<chatId>` (the holder's token) and
 * `<prefix>:bot:handled-updates:<chatId>` (the last 100 update ids, a sorted set). With a
 * hash-tagged prefix like `{callbot}` both share the slot of every other callbot key, as the
 * scripts need on a Redis Cluster.
 */
export class ChatLock {
  /**
   * The fence of the update each chat is handled under right now, by chat id. A map, not an
   * AsyncLocalStorage: a chat has one update at a time here (sequentialize), so its id names it,
   * and AsyncLocalStorage would enable Node's promise hooks for every promise in the process
   * (about a tenth of the bot's allocations at the maximum rate) only for this lookup.
   */
  private readonly held = new Map<string, ChatFence>();
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

  /** The lock held by the update of this chat being handled here, if any (for fenced writes). */
  currentFence(chatId: string): ChatFence | undefined {
    return this.held.get(chatId);
  }

  /** Runs next with the chat's fence registered for currentFence, and forgets it afterwards. */
  private async holding(chatId: string, fence: ChatFence, next: () => Promise<void>): Promise<void> {
    this.held.set(chatId, fence);
    try {
      await next();
    } finally {
      this.held.delete(chatId);
    }
  }

  /** Handles each update of a chat under the chat's lock, and an update seen before not at all. */
  middleware(): Composer<Context> {
    const composer = new Composer<Context>();
    composer.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
    if (this.options.scope === "process") {
      composer.use((ctx, next) =>
        ctx.chat === undefined ? next() : this.holding(String(ctx.chat.id), PROCESS_FENCE, next),
      );
      return composer;
    }
    composer.use(async (ctx, next) => {
      const chatId = ctx.chat?.id;
      if (chatId === undefined) return next();
      const updateId = ctx.update.update_id;
      const fence = {
        kind: "redis" as const,
        lockKey: `${this.deps.prefix}:bot:chat-lock:${chatId}`,
        token: randomUUID(),
      };
      const handledKey = `${this.deps.prefix}:bot:handled-updates:${chatId}`;
      let acquired: boolean;
      try {
        acquired = await this.acquire(fence, handledKey, updateId, chatId);
      } catch (error) {
        if (!isRedisUnavailable(error)) throw error;
        // Nothing stateful can happen without Redis: the features tell the user that nothing
        // was queued (the request ledger), which beats leaving the update unanswered.
        this.deps.logger.warn({ err: error, chatId }, "chat lock skipped: Redis is unavailable");
        return next();
      }
      if (!acquired) {
        this.deps.logger.info({ updateId, chatId }, "update delivered again; already handled");
        return;
      }
      const renewal = setInterval(
        () => {
          this.renew(fence, chatId).catch(() => undefined);
        },
        Math.floor(this.options.lockTimeoutMs / 3),
      );
      let handled = false;
      try {
        await this.holding(String(chatId), fence, next);
        handled = true;
      } finally {
        clearInterval(renewal);
        await evalScript(
          this.deps.redis,
          RELEASE,
          [fence.lockKey, handledKey],
          [fence.token, handled ? updateId : "", HANDLED_PER_CHAT, this.options.handledTtlSeconds],
        ).catch((error: unknown) => {
          // Redis went away meanwhile: the lock expires by itself (lockTimeoutMs).
          if (!isRedisUnavailable(error)) throw error;
          this.deps.logger.warn({ err: error, chatId }, "chat lock not released: Redis is unavailable");
        });
      }
    });
    return composer;
  }

  /** True once the lock is ours; false when the update was handled before. */
  private async acquire(
    fence: RedisFence,
    handledKey: string,
    updateId: number,
    chatId: number,
  ): Promise<boolean> {
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    for (;;) {
      const answer = await evalScript(
        this.deps.redis,
        ACQUIRE,
        [fence.lockKey, handledKey],
        [fence.token, this.options.lockTimeoutMs, updateId],
      );
      if (answer === 1) return true;
      if (answer === 2) return false;
      if (Date.now() >= deadline) throw new ChatBusyError(chatId, this.options.acquireTimeoutMs);
      await sleep(this.options.retryIntervalMs);
    }
  }

  private async renew(fence: RedisFence, chatId: number): Promise<void> {
    const renewed = await evalScript(
      this.deps.redis,
      RENEW,
      [fence.lockKey],
      [fence.token, this.options.lockTimeoutMs],
    );
    if (renewed !== 1) this.deps.logger.warn({ chatId }, "a chat's lock was lost while its update ran");
  }
}
