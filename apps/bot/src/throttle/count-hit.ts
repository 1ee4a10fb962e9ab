import type { Redis } from "ioredis";
import { evalScript } from "../redis/eval-script.ts";

/*
 * INCR and the expiry in one script, so a counter can never exist without a TTL. The expiry is
 * set whenever the key has none (not only when the count is 1): a counter left without one (by
 * @grammyjs/ratelimiter's own store, whose INCR and PEXPIRE are two commands, when the second
 * failed) is repaired on its next hit instead of locking its user out for good.
 */
const COUNT_HIT = `
local hits = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return hits`;

/** Counts one hit on a fixed-window counter and returns the hits in the window so far. */
export async function countHit(redis: Redis, key: string, windowMs: number): Promise<number> {
  return Number(await evalScript(redis, COUNT_HIT, [key], [Math.max(1, Math.round(windowMs))]));
}
