import { hashTagOf, parseRedisAddress } from "../redis/redis-address.ts";
import { DEFAULT_CLUSTER_QUEUE_PREFIX } from "./env-schemas.ts";

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
