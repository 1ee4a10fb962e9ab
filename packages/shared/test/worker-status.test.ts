import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  readWorkerStatus,
  WORKER_STATUS_TTL_MS,
  type WorkerStatus,
  workerStatusKey,
  writeWorkerStatus,
} from "../src/index.ts";

const redis = new Redis("redis://127.0.0.1:6379");
const prefix = `test-worker-status-${randomUUID()}`;

afterAll(async () => {
  await redis.del(workerStatusKey(prefix));
  await redis.quit();
});

const online: WorkerStatus = {
  v: 1,
  state: "online",
  accountId: 2001,
  username: "callbot_assistant",
  updatedAt: 1_800_000_000_000,
};

describe("the worker status in Redis", () => {
  it("is unknown when no worker published one", async () => {
    expect(await readWorkerStatus(redis, `${prefix}-never`)).toBeUndefined();
  });

  it("keeps 'online' only as long as the heartbeat renews it, so a crashed worker reads as unknown", async () => {
    await writeWorkerStatus(redis, prefix, online);
    expect(await readWorkerStatus(redis, prefix)).toEqual(online);
    const ttl = await redis.pttl(workerStatusKey(prefix));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(WORKER_STATUS_TTL_MS);
  });

  it("keeps 'session-dead' until a worker comes online again: the session stays dead after the process is gone", async () => {
    await writeWorkerStatus(redis, prefix, {
      ...online,
      state: "session-dead",
      errorName: "AUTH_KEY_UNREGISTERED",
    });
    expect(await redis.pttl(workerStatusKey(prefix))).toBe(-1);
    expect((await readWorkerStatus(redis, prefix))?.state).toBe("session-dead");
    await writeWorkerStatus(redis, prefix, online);
    expect((await readWorkerStatus(redis, prefix))?.state).toBe("online");
  });

  it("reads a record that does not fit the schema as unknown rather than throwing", async () => {
    await redis.set(workerStatusKey(prefix), "{not json");
    expect(await readWorkerStatus(redis, prefix)).toBeUndefined();
    await redis.set(workerStatusKey(prefix), JSON.stringify({ ...online, state: "sleeping" }));
    expect(await readWorkerStatus(redis, prefix)).toBeUndefined();
  });
});
