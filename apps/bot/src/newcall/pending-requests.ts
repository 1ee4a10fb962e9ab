import { type CallsQueue, type CreateCallRequest, CreateCallRequestSchema } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { BotKeys } from "../redis/bot-keys.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";
import { queueCallRequest } from "./queue-call-request.ts";
import { CLAIM_QUEUED } from "./replay-claim.ts";

/**
 * A write-ahead record for the moment between telling the user "queued" and adding the job.
 * If the process dies there, Telegram may never redeliver the update (@grammyjs/runner confirms
 * updates as it fetches them), so the request itself is kept in Redis first and the next start
 * queues it: the user is never told "queued" for a job that does not exist.
 */
export async function recordPendingRequest(
  redis: Redis,
  keys: BotKeys,
  request: CreateCallRequest,
  ttlSeconds: number,
): Promise<void> {
  await redis
    .multi()
    .set(keys.pendingRequest(request.requestId), JSON.stringify(request), "EX", ttlSeconds)
    .zadd(keys.pendingIndex, request.requestedAt, request.requestId)
    .exec();
}

/**
 * The job exists (or the user was told it does not): nothing to recover. With `queuedClaim`, the
 * command's replay claim is marked queued in the same round trip (see claimCommand).
 */
export async function clearPendingRequest(
  redis: Redis,
  keys: BotKeys,
  requestId: string,
  queuedClaim?: { key: string; ttlSeconds: number },
): Promise<void> {
  const tx = redis.multi().del(keys.pendingRequest(requestId)).zrem(keys.pendingIndex, requestId);
  if (queuedClaim) tx.set(queuedClaim.key, CLAIM_QUEUED, "EX", queuedClaim.ttlSeconds);
  await tx.exec();
}

export interface RecoverDeps {
  redis: Redis;
  keys: BotKeys;
  callsQueue: CallsQueue;
  logger: Logger;
  queueTimeoutMs: number;
}

/**
 * At start-up, before taking updates: queues every request an earlier process answered
 * "queued" but did not get to add. Adding is idempotent (the job id is the request id), so a
 * request whose job was added after all is not queued twice. Returns how many were re-queued.
 */
export async function recoverPendingRequests(deps: RecoverDeps): Promise<number> {
  const { redis, keys, logger } = deps;
  const requestIds = await redis.zrange(keys.pendingIndex, "0", "-1");
  let recovered = 0;
  for (const requestId of requestIds) {
    const key = keys.pendingRequest(requestId);
    // A corrupt record is logged and dropped: it can never be queued, and it must not stop the start.
    const request = parseStoredJson(await redis.get(key), { key, schema: CreateCallRequestSchema, logger });
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
    await clearPendingRequest(redis, keys, requestId);
  }
  return recovered;
}
