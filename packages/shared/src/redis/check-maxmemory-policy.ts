import type { Redis } from "ioredis";
import { waitUntilReady } from "./wait-until-ready.ts";

/**
 * Why callbot refuses to start unless Redis's maxmemory-policy is "noeviction": with any other
 * policy a full Redis deletes keys it chooses, and for BullMQ those are queued jobs, their locks
 * and their ids. A user's /newcall would vanish without an answer, a job whose lock is evicted
 * can run twice, and a forgotten job id lets a re-delivered command queue a second call. BullMQ
 * itself only prints a warning; a silent loss is worse than a refusal that says how to fix it.
 * ALLOW_REDIS_EVICTION=1 starts anyway with a loud warning, for a Redis one cannot configure.
 */
export class RedisEvictionPolicyError extends Error {
  override readonly name = "RedisEvictionPolicyError";
  readonly policy: string;

  constructor(policy: string) {
    super(
      `Redis's maxmemory-policy is "${policy}", but BullMQ needs "noeviction": with eviction, a full Redis silently deletes queued calls and their locks. ` +
        'Run `redis-cli CONFIG SET maxmemory-policy noeviction` and put "maxmemory-policy noeviction" in redis.conf, ' +
        "or set ALLOW_REDIS_EVICTION=1 to start anyway at that risk.",
    );
    this.policy = policy;
  }
}

export type MaxmemoryPolicyCheck =
  | { status: "ok"; policy: "noeviction" }
  /** Not noeviction, but ALLOW_REDIS_EVICTION=1: started with a warning. */
  | { status: "eviction-allowed"; policy: string }
  /** Neither INFO nor CONFIG answered (managed Redis may disable both): started with a warning. */
  | { status: "unknown"; policy: undefined };

export interface CheckMaxmemoryPolicyOptions {
  /** ALLOW_REDIS_EVICTION from the config. */
  allowEviction: boolean;
  /** Where warnings go: the logger's warn. */
  warn: (message: string) => void;
}

/**
 * Start-up check of Redis's eviction policy; see RedisEvictionPolicyError for why it refuses.
 * @throws RedisEvictionPolicyError when the policy is not noeviction and eviction is not allowed.
 */
export async function checkMaxmemoryPolicy(
  redis: Redis,
  options: CheckMaxmemoryPolicyOptions,
): Promise<MaxmemoryPolicyCheck> {
  await waitUntilReady(redis);
  const policy = await readMaxmemoryPolicy(redis);
  if (policy === undefined) {
    options.warn(
      "Could not read Redis's maxmemory-policy (INFO and CONFIG are disabled here, as on some managed Redis services). " +
        'Make sure it is "noeviction" in your provider\'s settings, or queued calls may be lost when Redis is full.',
    );
    return { status: "unknown", policy: undefined };
  }
  if (policy === "noeviction") return { status: "ok", policy };
  if (!options.allowEviction) throw new RedisEvictionPolicyError(policy);
  options.warn(
    `WARNING: Redis's maxmemory-policy is "${policy}", not "noeviction", and ALLOW_REDIS_EVICTION=1 is set. ` +
      "When Redis fills up it will silently delete queued calls and their locks. Set maxmemory-policy to noeviction as soon as you can.",
  );
  return { status: "eviction-allowed", policy };
}

/**
 * INFO first, as BullMQ does: managed services that disable CONFIG usually still answer INFO.
 * CONFIG GET next. undefined when neither is allowed.
 */
async function readMaxmemoryPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const info = await redis.info("memory");
    const line = info.split(/\r?\n/).find((entry) => entry.startsWith("maxmemory_policy:"));
    if (line !== undefined) return line.slice("maxmemory_policy:".length).trim();
  } catch {
    // Fall through to CONFIG.
  }
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === "string") return reply[1];
  } catch {
    // Neither is allowed.
  }
  return undefined;
}
