import { hashTagOf, parseRedisAddress } from "../redis/redis-address.ts";
import { DEFAULT_CLUSTER_QUEUE_PREFIX } from "./env-schemas.ts";
import type { Env } from "./env-variables.ts";

/**
 * The key prefix for this Redis. On a Redis Cluster every key of a BullMQ queue must hash to one
 * slot (its scripts touch several), and so must the keys of each of callbot's own scripts and
 * MULTIs (the request ledger, the chat lock, the calls registry…), some of which span queues.
 * A prefix in a hash tag does both: `{callbot}` is the default there, and a QUEUE_PREFIX without
 * one is refused rather than failing later with CROSSSLOT errors.
 */
export function queuePrefixFor(options: {
  /** QUEUE_PREFIX as set in the environment (undefined or blank: not set). */
  given: string | undefined;
  /** QUEUE_PREFIX after its schema (the default filled in). */
  parsed: string;
  redisUrl: string;
}): { prefix: string; problem?: undefined } | { prefix?: undefined; problem: string } {
  if (parseRedisAddress(options.redisUrl).kind !== "cluster") return { prefix: options.parsed };
  if (!options.given?.trim()) return { prefix: DEFAULT_CLUSTER_QUEUE_PREFIX };
  if (hashTagOf(options.parsed) !== undefined) return { prefix: options.parsed };
  return {
    problem: `QUEUE_PREFIX: with a Redis Cluster (redis+cluster://) it needs a hash tag in braces, like {${options.parsed}}, so that each queue's keys share one slot`,
  };
}

/**
 * queuePrefixFor as the bot's and the worker's configs both use it: from the environment and
 * its parsed variables. Returns the prefix, or undefined when the variables did not parse or the
 * prefix does not fit this Redis (its problem then added to `problems`).
 */
export function queuePrefixFromEnv(
  env: Env,
  parsed: { ok: true; values: { QUEUE_PREFIX: string; REDIS_URL: string } } | { ok: false },
  problems: string[],
): string | undefined {
  if (!parsed.ok) return undefined;
  const found = queuePrefixFor({
    given: env.QUEUE_PREFIX,
    parsed: parsed.values.QUEUE_PREFIX,
    redisUrl: parsed.values.REDIS_URL,
  });
  if (found.problem !== undefined) problems.push(found.problem);
  return found.prefix;
}
