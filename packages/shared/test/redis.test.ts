import { randomUUID } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
// By path rather than as a dependency: test-support depends on shared, and a dependency back
// would make a cycle in the workspace graph.
import { PrivateRedis } from "../../test-support/src/index.ts";
import {
  assertRedisReachable,
  checkMaxmemoryPolicy,
  createRedisConnection,
  freePort,
  RedisEvictionPolicyError,
  RedisUnreachableError,
  redactRedisUrl,
  redisOptionsForRole,
  waitUntilReady,
} from "../src/index.ts";

const MAIN_REDIS = "redis://127.0.0.1:6379";
const cleanups: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function privateRedis(args: string[], password?: string): Promise<PrivateRedis> {
  const redis = await PrivateRedis.start({ args, ...(password !== undefined && { password }) });
  cleanups.push(() => redis.stop());
  return redis;
}

function connection(url: string, role: "worker" | "producer") {
  const redis = createRedisConnection(url, { role });
  redis.on("error", () => {});
  cleanups.push(async () => redis.disconnect());
  return redis;
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("redactRedisUrl", () => {
  it.each([
    ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379"],
    ["redis://:hunter2@redis.internal:6380/2", "redis://:***@redis.internal:6380/2"],
    ["rediss://app:hunter2@redis.example:6380", "rediss://app:***@redis.example:6380"],
    ["not a url://app:hunter2@host", "not a url://***@host"],
  ])("%s -> %s", (url, expected) => {
    expect(redactRedisUrl(url)).toBe(expected);
  });
});

describe("assertRedisReachable", () => {
  it("passes when Redis answers", async () => {
    await expect(assertRedisReachable(MAIN_REDIS)).resolves.toBeUndefined();
  });

  it("says where it looked and what to do when nothing listens", async () => {
    const port = await freePort();
    const error = await rejectionOf(assertRedisReachable(`redis://127.0.0.1:${port}`));
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect(error.message).toBe(
      `cannot reach Redis at redis://127.0.0.1:${port} (connection refused): start redis-server or set REDIS_URL`,
    );
  });

  it("never prints the password of the URL", async () => {
    const port = await freePort();
    const error = await rejectionOf(assertRedisReachable(`redis://:s3cret-pw@127.0.0.1:${port}`));
    expect(error.message).toContain(`redis://:***@127.0.0.1:${port} (connection refused)`);
    expect(error.message).not.toContain("s3cret-pw");
  });

  it("tells a missing password from a missing server", async () => {
    const redis = await privateRedis(["--requirepass", "right-password"], "right-password");
    const error = await rejectionOf(assertRedisReachable(redis.url));
    expect(error.message).toBe(
      `cannot reach Redis at ${redis.url} (authentication failed): check the user name and password in REDIS_URL`,
    );
    await expect(
      assertRedisReachable(`redis://:right-password@127.0.0.1:${redis.port}`),
    ).resolves.toBeUndefined();
  });

  it("names a host that does not resolve", async () => {
    const error = await rejectionOf(assertRedisReachable("redis://callbot-no-such-host.invalid:6379"));
    expect(error.message).toMatch(
      /^cannot reach Redis at redis:\/\/callbot-no-such-host\.invalid:6379 \((host not found|no answer within 2000 ms)\)/,
    );
  });
});

describe("createRedisConnection", () => {
  it("gives workers the options BullMQ requires and producers fail-fast ones", () => {
    expect(redisOptionsForRole("worker")).toMatchObject({ maxRetriesPerRequest: null });
    expect(redisOptionsForRole("producer")).toMatchObject({
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
    });
  });

  it("lets a BullMQ queue and worker on a unique prefix carry a job end to end", async () => {
    const prefix = `test-${randomUUID()}`;
    const queue = new Queue("shared-redis-test", { connection: connection(MAIN_REDIS, "producer"), prefix });
    cleanups.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });
    const worker = new Worker("shared-redis-test", async (job) => `done ${job.data.n}`, {
      connection: connection(MAIN_REDIS, "worker"),
      prefix,
    });
    cleanups.push(() => worker.close());
    const finished = new Promise((resolve) => worker.on("completed", (_job, result) => resolve(result)));
    await queue.add("job", { n: 7 });
    await expect(finished).resolves.toBe("done 7");
  });

  it("makes a producer command fail at once while Redis is down, instead of waiting for it", async () => {
    const redis = await privateRedis([]);
    const producer = connection(redis.url, "producer");
    await waitUntilReady(producer);
    await producer.ping();
    await redis.stop();
    const started = Date.now();
    await expect(producer.set("k", "v")).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});

describe("checkMaxmemoryPolicy", () => {
  it("accepts noeviction (the shared Redis)", async () => {
    const warnings: string[] = [];
    const redis = connection(MAIN_REDIS, "producer");
    const result = await checkMaxmemoryPolicy(redis, { allowEviction: false, warn: (m) => warnings.push(m) });
    expect(result).toEqual({ status: "ok", policy: "noeviction" });
    expect(warnings).toEqual([]);
  });

  it("refuses a Redis that evicts, saying why and how to fix it", async () => {
    const server = await privateRedis(["--maxmemory-policy", "allkeys-lru"]);
    const redis = connection(server.url, "producer");
    const error = await rejectionOf(checkMaxmemoryPolicy(redis, { allowEviction: false, warn: () => {} }));
    expect(error).toBeInstanceOf(RedisEvictionPolicyError);
    expect(error.message).toContain('maxmemory-policy is "allkeys-lru", but BullMQ needs "noeviction"');
    expect(error.message).toContain("CONFIG SET maxmemory-policy noeviction");
    expect(error.message).toContain("ALLOW_REDIS_EVICTION=1");
  });

  it("starts with a loud warning when ALLOW_REDIS_EVICTION=1", async () => {
    const server = await privateRedis(["--maxmemory-policy", "allkeys-lru"]);
    const redis = connection(server.url, "producer");
    const warnings: string[] = [];
    const result = await checkMaxmemoryPolicy(redis, { allowEviction: true, warn: (m) => warnings.push(m) });
    expect(result).toEqual({ status: "eviction-allowed", policy: "allkeys-lru" });
    expect(warnings).toEqual([expect.stringMatching(/^WARNING: Redis's maxmemory-policy is "allkeys-lru"/)]);
  });

  it("reads the policy through INFO when CONFIG is disabled, as on many managed Redis services", async () => {
    const server = await privateRedis([
      "--maxmemory-policy",
      "allkeys-lru",
      "--rename-command",
      "CONFIG",
      "",
    ]);
    const redis = connection(server.url, "producer");
    await expect(checkMaxmemoryPolicy(redis, { allowEviction: false, warn: () => {} })).rejects.toThrow(
      '"allkeys-lru"',
    );
  });

  // ioredis's own ready check and BullMQ's version check send INFO, so a Redis without INFO
  // needs enableReadyCheck: false; the check must still not block start-up there.
  function withoutReadyCheck(url: string): Redis {
    const redis = new Redis(url, { ...redisOptionsForRole("producer"), enableReadyCheck: false });
    redis.on("error", () => {});
    cleanups.push(async () => redis.disconnect());
    return redis;
  }

  it("warns and continues when the policy cannot be read at all (INFO and CONFIG disabled)", async () => {
    const server = await privateRedis(["--rename-command", "CONFIG", "", "--rename-command", "INFO", ""]);
    const warnings: string[] = [];
    const result = await checkMaxmemoryPolicy(withoutReadyCheck(server.url), {
      allowEviction: false,
      warn: (m) => warnings.push(m),
    });
    expect(result).toEqual({ status: "unknown", policy: undefined });
    expect(warnings).toEqual([expect.stringContaining("Could not read Redis's maxmemory-policy")]);
  });

  it("reads the policy through CONFIG when only INFO is disabled", async () => {
    const server = await privateRedis(["--maxmemory-policy", "volatile-ttl", "--rename-command", "INFO", ""]);
    await expect(
      checkMaxmemoryPolicy(withoutReadyCheck(server.url), { allowEviction: false, warn: () => {} }),
    ).rejects.toThrow('"volatile-ttl"');
  });
});
