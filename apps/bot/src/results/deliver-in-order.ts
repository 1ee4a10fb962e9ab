import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { evalScript } from "../redis/eval-script.ts";

export interface ResultOrderDeps {
  redis: Redis;
  keys: {
    resultOrder: (requestId: string, requestedAt: number) => string;
    resultDelivery: (requestId: string, requestedAt: number) => string;
  };
  logger: Logger;
  /** @defaultValue DELIVERY_LOCK_MS */
  lockMs?: number;
}

/** What the ordering needs to know of a result. */
export interface OrderedResult {
  request: { requestId: string; requestedAt: number };
  /** Unix ms when the worker produced it. */
  finishedAt: number;
  /** A final report (created, done, failed, skipped); otherwise a "⏳ wait" notice. */
  final: boolean;
}

/**
 * How long one delivery may hold a request's messages. It must outlast the slowest delivery:
 * auto-retry (create-bot.ts) may wait out three 429s of up to 60 s each. A bot that dies while
 * holding it delays that request's final report by at most this long, never loses it.
 */
export const DELIVERY_LOCK_MS = 200_000;
/** How long a request's order record is kept: a result can wait in Redis while the bot is down. */
const ORDER_RECORD_SECONDS = 2 * 24 * 60 * 60;

/**
 * Under the delivery lock: may this wait notice still be shown? Not after the final report
 * (marked before its delivery starts), nor after a newer notice.
 */
const NOTICE_STILL_CURRENT = `
if redis.call("HGET", KEYS[1], "final") == "1" then return 0 end
local shown = tonumber(redis.call("HGET", KEYS[1], "at") or "0")
if shown > tonumber(ARGV[1]) then return 0 end
redis.call("HSET", KEYS[1], "at", ARGV[1])
redis.call("EXPIRE", KEYS[1], ARGV[2])
return 1`;

/**
 * Takes the delivery lock (KEYS[2]) if it is free; for a final report (ARGV[4] = "1") first marks
 * the order record (KEYS[1]) final, whatever the lock's answer, so that no notice starts after it.
 * ARGV: the lock's token, its lifetime (ms), the record's lifetime (s). 1 when the lock is ours.
 */
const TAKE_DELIVERY = `
if ARGV[4] == "1" then
  redis.call("HSET", KEYS[1], "final", "1")
  redis.call("EXPIRE", KEYS[1], ARGV[3])
end
if redis.call("SET", KEYS[2], ARGV[1], "PX", ARGV[2], "NX") then return 1 end
return 0`;

const RELEASE = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`;

/**
 * Runs `deliver` so that a request's final report always stays its message's last version
 * (checklist 29). Results are consumed many at a time and each is retried on its own, so a
 * "⏳ wait" notice can reach Telegram after the final report. Two rules prevent it:
 * - the final report is marked in Redis before it is delivered, and a notice checks that mark
 *   (atomically) before it is shown, so no notice starts after the final report has;
 * - deliveries for one request hold a lock, so the final report waits for a notice that is
 *   already on its way (an edit held by a slow or rate-limited Bot API) instead of racing it.
 * A notice that lost is dropped: the final report says more.
 */
export async function deliverInOrder(
  result: OrderedResult,
  deliver: () => Promise<void>,
  deps: ResultOrderDeps,
): Promise<"delivered" | "superseded"> {
  const { requestId, requestedAt } = result.request;
  const orderKey = deps.keys.resultOrder(requestId, requestedAt);
  const release = await takeDeliveryLock(
    orderKey,
    deps.keys.resultDelivery(requestId, requestedAt),
    result.final,
    deps,
  );
  try {
    if (!result.final) {
      const current = await evalScript(
        deps.redis,
        NOTICE_STILL_CURRENT,
        [orderKey],
        [String(result.finishedAt), String(ORDER_RECORD_SECONDS)],
      );
      if (current !== 1) {
        deps.logger.info({ requestId }, "a wait notice arrived after a later result; not shown");
        return "superseded";
      }
    }
    await deliver();
    return "delivered";
  } finally {
    await release();
  }
}

/**
 * Waits for the request's delivery lock (bounded by its lifetime) and returns its release; a
 * final report is marked in the order record by the same script, before the lock is tried.
 */
async function takeDeliveryLock(
  orderKey: string,
  key: string,
  final: boolean,
  deps: ResultOrderDeps,
): Promise<() => Promise<void>> {
  const lockMs = deps.lockMs ?? DELIVERY_LOCK_MS;
  const token = randomUUID();
  const take = () =>
    evalScript(
      deps.redis,
      TAKE_DELIVERY,
      [orderKey, key],
      [token, lockMs, ORDER_RECORD_SECONDS, final ? "1" : "0"],
    );
  let pauseMs = 50;
  // Bounded: the holder's lock lapses after lockMs at the latest, and then SET NX succeeds.
  while ((await take()) !== 1) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    pauseMs = Math.min(pauseMs * 2, 1_000);
  }
  return async () => {
    await evalScript(deps.redis, RELEASE, [key], [token]).catch((error: unknown) => {
      // It lapses on its own; the next delivery only waits a little longer.
      deps.logger.warn({ err: error }, "could not release a result delivery lock");
    });
  };
}
