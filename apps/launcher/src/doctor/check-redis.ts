import { assertRedisReachable, redactRedisUrl } from "@callbot/shared";
import { Redis } from "ioredis";
import type { CheckResult } from "./check-result.ts";

/** BullMQ's minimum: it refuses older servers (and 6.2 brings the commands its scripts use). */
const MINIMUM_VERSION: readonly [number, number] = [6, 2];

/**
 * Redis as the bot and the worker need it: reachable, recent enough, never evicting keys (a full
 * Redis would silently drop queued calls; see RedisEvictionPolicyError) and persisting its data
 * (without AOF or RDB a restart forgets every queued and scheduled call).
 */
export async function checkRedis(url: string): Promise<CheckResult[]> {
  try {
    await assertRedisReachable(url, { timeoutMs: 3_000 });
  } catch (error) {
    return [{ status: "fail", name: "Redis", detail: (error as Error).message }];
  }
  const redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, lazyConnect: true });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return [
      { status: "ok", name: "Redis", detail: `reachable at ${redactRedisUrl(url)}` },
      await checkVersion(redis),
      await checkEvictionPolicy(redis),
      await checkPersistence(redis),
    ];
  } catch (error) {
    return [{ status: "fail", name: "Redis", detail: `could not inspect it: ${(error as Error).message}` }];
  } finally {
    redis.disconnect();
  }
}

async function checkVersion(redis: Redis): Promise<CheckResult> {
  const version = infoField(await redis.info("server"), "redis_version");
  if (version === undefined) {
    return {
      status: "warn",
      name: "Redis version",
      detail: "INFO server did not say; make sure it is 6.2 or newer",
    };
  }
  const [major = 0, minor = 0] = version.split(".").map(Number);
  const [wantMajor, wantMinor] = MINIMUM_VERSION;
  const recentEnough = major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return recentEnough
    ? { status: "ok", name: "Redis version", detail: version }
    : {
        status: "fail",
        name: "Redis version",
        detail: `${version}: BullMQ needs 6.2 or newer; upgrade Redis`,
      };
}

async function checkEvictionPolicy(redis: Redis): Promise<CheckResult> {
  const policy = infoField(await redis.info("memory"), "maxmemory_policy");
  if (policy === undefined) {
    return {
      status: "warn",
      name: "Redis maxmemory-policy",
      detail: 'unreadable here; make sure it is "noeviction" in your provider\'s settings',
    };
  }
  if (policy === "noeviction") return { status: "ok", name: "Redis maxmemory-policy", detail: policy };
  return {
    status: "fail",
    name: "Redis maxmemory-policy",
    detail:
      `"${policy}": a full Redis would silently delete queued calls and their locks. ` +
      'Run `redis-cli CONFIG SET maxmemory-policy noeviction` and put "maxmemory-policy noeviction" in redis.conf',
  };
}

async function checkPersistence(redis: Redis): Promise<CheckResult> {
  const appendonly = await configGet(redis, "appendonly");
  const save = await configGet(redis, "save");
  if (appendonly === undefined && save === undefined) {
    return {
      status: "warn",
      name: "Redis persistence",
      detail: "CONFIG is disabled here; make sure AOF (appendonly yes) is on in your provider's settings",
    };
  }
  if (appendonly === "yes")
    return { status: "ok", name: "Redis persistence", detail: "AOF (appendonly yes)" };
  if (save !== undefined && save.trim() !== "") {
    return {
      status: "ok",
      name: "Redis persistence",
      detail: `RDB snapshots (save ${save}); AOF loses less`,
    };
  }
  return {
    status: "warn",
    name: "Redis persistence",
    detail:
      "neither AOF nor RDB: a restart forgets every queued and scheduled call. " +
      'Put "appendonly yes" in redis.conf (or run `redis-cli CONFIG SET appendonly yes`)',
  };
}

function infoField(info: string, field: string): string | undefined {
  const line = info.split(/\r?\n/).find((entry) => entry.startsWith(`${field}:`));
  return line?.slice(field.length + 1).trim();
}

async function configGet(redis: Redis, parameter: string): Promise<string | undefined> {
  try {
    const reply = (await redis.config("GET", parameter)) as unknown;
    return Array.isArray(reply) && typeof reply[1] === "string" ? reply[1] : undefined;
  } catch {
    return undefined;
  }
}
