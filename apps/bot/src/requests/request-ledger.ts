import { randomUUID } from "node:crypto";
import {
  type CallsQueue,
  type CreateCallRequest,
  CreateCallRequestSchema,
  type TargetChat,
  workerStatusKey,
} from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { BotLimits } from "../bot-limits.ts";
import { MAX_KNOWN_CHATS } from "../newcall/known-chats-store.ts";
import { queueCallRequest } from "../newcall/queue-call-request.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { evalScript } from "../redis/eval-script.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";
import { countHit } from "../throttle/count-hit.ts";

/*
 * THE LEDGER OF ONE /newcall REQUEST
 *
 * One Redis hash per request, `<prefix>:bot:request:<requestId>` (the request id is the job id,
 * `newcall_<chat>_<message>`), with the lifetime of a replay claim (BotLimits.replayClaimSeconds,
 * 48 h: Telegram keeps unconfirmed updates for 24 h). Its fields:
 *   state    "pending:<instance>" | "queued" | "answered"
 *   request  the CreateCallRequest JSON while it is written ahead (not yet known to be queued)
 * Beside it, under the same script: the index of written-ahead requests (`<prefix>:bot:pending`,
 * sorted by time, what the next start re-queues), the per-user /newcall rate-limit counter, the
 * per-chat cooldown, the worker's published status and the guided flow's known chats.
 *
 * | from                     | event (method)                                   | to                                    | answer                  |
 * |--------------------------|--------------------------------------------------|---------------------------------------|-------------------------|
 * | none                     | begin, over the user's /newcall rate limit       | none (counter +1)                     | "rate-limited"          |
 * | none                     | begin, the assistant's session is dead           | pending:me                            | "assistant-offline"     |
 * | none                     | begin, another request holds the chat's cooldown | pending:me                            | "cooldown"              |
 * | none                     | begin                                            | pending:me + request, indexed         | "mine": answer "queued" |
 * | pending:other, no job    | begin (its process died: take-over)              | as from none                          | as from none            |
 * | pending:other, job there | begin                                            | queued                                | "replayed"              |
 * | pending:me/queued/answ.  | begin (a redelivered update)                     | unchanged                             | "replayed"              |
 * | pending:me               | acknowledge (the "queued" answer was sent)        | request carries the answer's message  |                         |
 * | pending:me               | finish queued (the job exists)                   | queued, request dropped, known chat   | session dead again?     |
 * | pending:me               | finish not-queued ("nothing was queued" said)    | pending:me, request dropped, cooldown freed |                   |
 * | pending:me               | answered (offline refusal sent)                  | answered                              |                         |
 * | pending:me               | release (the answer could not be sent)           | none, cooldown freed                  |                         |
 * | pending:* + request      | recover (next start)                             | queued (job added or found)           |                         |
 *
 * "pending:other" means gone: only one bot polls a token at a time (Telegram answers a second
 * poller with 409), so a claim of another instance with no job behind it is a request whose
 * handler died, and Telegram redelivered the update because it never finished. The take-over is
 * inside the script, so two deliveries racing for it cannot both win.
 *
 * The write-ahead `request` exists before the user reads "queued": a process that dies after that
 * answer but before the job leaves it for the next start (@grammyjs/runner confirms updates as it
 * fetches them, so Telegram may never redeliver). Hot path of a /newcall: begin (one round trip,
 * before the answer), acknowledge (sent together with the job's add), finish (one round trip).
 */

/** KEYS: ledger, index, rate counter ("" for none), cooldown, worker status, job.
 *  ARGV: me, ttl, request JSON, requestedAt, requestId, rate limit, rate window ms, cooldown s.
 *  The rate counter is throttle/count-hit.ts's: its TTL is repaired whenever it has none. */
const BEGIN = `
local state = redis.call('HGET', KEYS[1], 'state')
if state then
  if state ~= ARGV[1] and string.sub(state, 1, 8) == 'pending:' then
    if redis.call('EXISTS', KEYS[6]) == 1 then
      redis.call('HSET', KEYS[1], 'state', 'queued')
      redis.call('HDEL', KEYS[1], 'request')
      redis.call('ZREM', KEYS[2], ARGV[5])
      return {'replayed'}
    end
  else
    return {'replayed'}
  end
end
if KEYS[3] ~= '' then
  local hits = redis.call('INCR', KEYS[3])
  if redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], ARGV[7]) end
  if hits > tonumber(ARGV[6]) then return {'rate-limited', hits} end
end
local function claim()
  redis.call('HSET', KEYS[1], 'state', ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
local status = redis.call('GET', KEYS[5])
if status then
  local ok, decoded = pcall(cjson.decode, status)
  if ok and type(decoded) == 'table' and decoded.state == 'session-dead' then
    claim()
    return {'assistant-offline'}
  end
end
if not redis.call('SET', KEYS[4], ARGV[5], 'EX', ARGV[8], 'NX') and redis.call('GET', KEYS[4]) ~= ARGV[5] then
  claim()
  return {'cooldown'}
end
claim()
redis.call('HSET', KEYS[1], 'request', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
return {'mine'}`;

/** KEYS: ledger. ARGV: me, request JSON. Only while this process still holds it, written ahead. */
const ACKNOWLEDGE = `
if redis.call('HGET', KEYS[1], 'state') == ARGV[1] and redis.call('HEXISTS', KEYS[1], 'request') == 1 then
  redis.call('HSET', KEYS[1], 'request', ARGV[2])
end
return 0`;

/** KEYS: ledger, index, known chats, known chat facts, worker status.
 *  ARGV: requestId, ttl, chat id, chat JSON, now ms, max known chats. Returns 1 when the session is dead. */
const FINISH_QUEUED = `
redis.call('HSET', KEYS[1], 'state', 'queued')
redis.call('HDEL', KEYS[1], 'request')
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])
redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
local dropped = redis.call('ZRANGE', KEYS[3], 0, -(tonumber(ARGV[6]) + 1))
if #dropped > 0 then
  redis.call('ZREM', KEYS[3], unpack(dropped))
  redis.call('HDEL', KEYS[4], unpack(dropped))
end
local status = redis.call('GET', KEYS[5])
if status then
  local ok, decoded = pcall(cjson.decode, status)
  if ok and type(decoded) == 'table' and decoded.state == 'session-dead' then return 1 end
end
return 0`;

/** KEYS: ledger, index, cooldown. ARGV: requestId, "delete" to drop the ledger too. */
const RELEASE = `
redis.call('HDEL', KEYS[1], 'request')
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('GET', KEYS[3]) == ARGV[1] then redis.call('DEL', KEYS[3]) end
if ARGV[2] == 'delete' then redis.call('DEL', KEYS[1]) end
return 0`;

export type BeginVerdict =
  | { kind: "mine" }
  | { kind: "replayed" }
  /** Over the limit; `tell` only for the first refusal of a burst, so the "slow down" cannot flood. */
  | { kind: "rate-limited"; tell: boolean }
  | { kind: "assistant-offline" }
  | { kind: "cooldown" };

export interface RequestLedgerOptions {
  redis: Redis;
  keys: BotKeys;
  /** The deployment's prefix, where the worker publishes its status. */
  prefix: string;
  /** The calls queue, whose job ids are request ids: a job there means the request was queued. */
  callsQueue: Pick<CallsQueue, "toKey">;
  /** Identifies this bot process (one per createBot). */
  instanceId: string;
  /** How long a request is remembered (BotLimits.replayClaimSeconds). */
  ttlSeconds: number;
  /** BotLimits.chatCooldownSeconds. */
  cooldownSeconds: number;
  /** The per-user /newcall limit (BotLimits.newCallsPerWindow, newCallWindowMs). */
  rateLimit: { limit: number; windowMs: number };
}

/**
 * The ledger of /newcall requests: replay claim, crash take-over, write-ahead record, per-chat
 * cooldown and per-user rate limit as one state machine (table above), each step one script.
 */
export class RequestLedger {
  constructor(private readonly options: RequestLedgerOptions) {}

  private get me(): string {
    return `pending:${this.options.instanceId}`;
  }

  /**
   * The first step of a request, before anything is said: decides whether this delivery handles
   * it and, when it does, writes the request ahead. `rateLimitUserId` counts the request against
   * that user's /newcall limit (absent for a guided flow's confirm: its /newcall was counted).
   */
  async begin(request: CreateCallRequest, rateLimitUserId?: number): Promise<BeginVerdict> {
    const { keys, redis } = this.options;
    const [kind, hits] = (await evalScript(
      redis,
      BEGIN,
      [
        keys.request(request.requestId),
        keys.pendingIndex,
        rateLimitUserId === undefined ? "" : keys.newCallRateLimit(rateLimitUserId),
        keys.cooldown(request.target.chatId),
        workerStatusKey(this.options.prefix),
        this.options.callsQueue.toKey(request.requestId),
      ],
      [
        this.me,
        this.options.ttlSeconds,
        JSON.stringify(request),
        request.requestedAt,
        request.requestId,
        this.options.rateLimit.limit,
        Math.max(1, Math.round(this.options.rateLimit.windowMs)),
        this.options.cooldownSeconds,
      ],
    )) as [BeginVerdict["kind"], number?];
    if (kind === "rate-limited") return { kind, tell: hits === this.options.rateLimit.limit + 1 };
    return { kind } as BeginVerdict;
  }

  /**
   * Counts a /newcall that ends before `begin` (a refusal, the guided flow's start, a recurring
   * rule) against the user's limit, as `begin` does: "pass", or refused with or without telling.
   */
  async countNewCall(userId: number): Promise<"pass" | "tell" | "silent"> {
    const { limit, windowMs } = this.options.rateLimit;
    const hits = await countHit(this.options.redis, this.options.keys.newCallRateLimit(userId), windowMs);
    if (hits <= limit) return "pass";
    return hits === limit + 1 ? "tell" : "silent";
  }

  /** The "queued" answer was sent: a request recovered from now on edits it instead of sending anew. */
  async acknowledge(request: CreateCallRequest): Promise<void> {
    await evalScript(
      this.options.redis,
      ACKNOWLEDGE,
      [this.options.keys.request(request.requestId)],
      [this.me, JSON.stringify(request)],
    );
  }

  /**
   * The job exists: every later delivery is a replay, nothing is left to recover, and the chat is
   * remembered for the guided flow. True when the assistant's session is (now) dead, so the caller
   * withdraws the job (see submitCallRequest).
   */
  async finishQueued(request: CreateCallRequest, nowMs: number): Promise<boolean> {
    const { keys } = this.options;
    const chat: TargetChat = {
      chatId: request.target.chatId,
      title: request.target.title,
      ...(request.target.username !== undefined && { username: request.target.username }),
    };
    const dead = await evalScript(
      this.options.redis,
      FINISH_QUEUED,
      [
        keys.request(request.requestId),
        keys.pendingIndex,
        keys.knownChats,
        keys.knownChatFacts,
        workerStatusKey(this.options.prefix),
      ],
      [
        request.requestId,
        this.options.ttlSeconds,
        request.target.chatId,
        JSON.stringify(chat),
        nowMs,
        MAX_KNOWN_CHATS,
      ],
    );
    return dead === 1;
  }

  /** The user was told nothing was queued: nothing to recover, and the chat is free again. */
  async finishNotQueued(request: CreateCallRequest): Promise<void> {
    await this.release(request, "keep");
  }

  /** The offline refusal was sent: every later delivery is a replay. */
  async answered(requestId: string): Promise<void> {
    await this.options.redis
      .multi()
      .hset(this.options.keys.request(requestId), "state", "answered")
      .expire(this.options.keys.request(requestId), this.options.ttlSeconds)
      .exec();
  }

  /** Nothing reached the user (the answer failed): forget the request, so a redelivery starts afresh. */
  async release(request: CreateCallRequest, ledger: "keep" | "delete" = "delete"): Promise<void> {
    const { keys } = this.options;
    await evalScript(
      this.options.redis,
      RELEASE,
      [keys.request(request.requestId), keys.pendingIndex, keys.cooldown(request.target.chatId)],
      [request.requestId, ledger],
    );
  }

  /** Frees the chat's cooldown this request holds (its job was withdrawn). */
  async freeCooldown(request: CreateCallRequest): Promise<void> {
    await evalScript(
      this.options.redis,
      FREE_COOLDOWN,
      [this.options.keys.cooldown(request.target.chatId)],
      [request.requestId],
    );
  }

  /**
   * At start-up, before taking updates: queues every request an earlier process answered
   * "queued" but did not get to add. Adding is idempotent (the job id is the request id), so a
   * request whose job was added after all is not queued twice. Returns how many were re-queued.
   */
  async recover(deps: { callsQueue: CallsQueue; logger: Logger; queueTimeoutMs: number }): Promise<number> {
    const { redis, keys } = this.options;
    const { logger } = deps;
    let recovered = 0;
    for (const requestId of await redis.zrange(keys.pendingIndex, "0", "-1")) {
      const key = keys.request(requestId);
      // A release before the ledger kept the request in a string key of its own (a rolling upgrade).
      const legacyKey = keys.legacyPendingRequest(requestId);
      const ledgered = await redis.hget(key, "request");
      // A corrupt record is logged and dropped: it can never be queued, and it must not stop the start.
      const request = parseStoredJson(ledgered ?? (await redis.get(legacyKey)), {
        key: ledgered === null ? legacyKey : key,
        schema: CreateCallRequestSchema,
        logger,
      });
      if (request && !(await deps.callsQueue.getJob(requestId))) {
        const outcome = await queueCallRequest(deps.callsQueue, request, {
          timeoutMs: deps.queueTimeoutMs,
          logger,
        });
        if (!outcome.queued) {
          // Keep the record: the next start tries again.
          logger.error({ err: outcome.error, requestId }, "could not re-queue a request left pending");
          continue;
        }
        recovered += 1;
        logger.warn(
          { requestId },
          "re-queued a request answered 'queued' by a process that stopped before queueing it",
        );
      }
      const settled = redis.multi().hdel(key, "request").del(legacyKey).zrem(keys.pendingIndex, requestId);
      if (request) settled.hset(key, "state", "queued").expire(key, this.options.ttlSeconds);
      await settled.exec();
    }
    return recovered;
  }
}

/** KEYS: cooldown. ARGV: requestId. */
const FREE_COOLDOWN = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/** The ledger of one bot process (a fresh instance id) with the bot's limits. */
export function createRequestLedger(deps: {
  redis: Redis;
  keys: BotKeys;
  prefix: string;
  callsQueue: RequestLedgerOptions["callsQueue"];
  limits: Pick<
    BotLimits,
    "replayClaimSeconds" | "chatCooldownSeconds" | "newCallsPerWindow" | "newCallWindowMs"
  >;
}): RequestLedger {
  return new RequestLedger({
    redis: deps.redis,
    keys: deps.keys,
    prefix: deps.prefix,
    callsQueue: deps.callsQueue,
    instanceId: randomUUID(),
    ttlSeconds: deps.limits.replayClaimSeconds,
    cooldownSeconds: deps.limits.chatCooldownSeconds,
    rateLimit: { limit: deps.limits.newCallsPerWindow, windowMs: deps.limits.newCallWindowMs },
  });
}
