import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { PrivateRedis } from "../src/private-redis.ts";

/** The pid of the redis-server answering on `url` (INFO server's process_id). */
async function serverPid(url: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const pid = /^process_id:(\d+)/m.exec(await client.info("server"))?.[1];
    if (pid === undefined) throw new Error("INFO server named no process_id");
    return Number(pid);
  } finally {
    client.disconnect();
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("PrivateRedis", () => {
  let redis: PrivateRedis | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it("keeps its one server when restarted while it runs, and leaves no server behind when stopped", async () => {
    redis = await PrivateRedis.start();
    const first = await serverPid(redis.url);
    // A test that restarts Redis, then an afterEach that restarts it again to be sure.
    await redis.restart();
    await redis.restart();
    expect(await serverPid(redis.url)).toBe(first);
    await redis.stop();
    expect(isRunning(first)).toBe(false);
  });

  it("starts a new server after a kill, on the same port, with the keys the append-only file kept", async () => {
    redis = await PrivateRedis.start();
    const first = await serverPid(redis.url);
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    await client.set("kept", "yes");
    client.disconnect();
    await redis.kill();
    expect(isRunning(first)).toBe(false);
    await redis.restart();
    const second = await serverPid(redis.url);
    expect(second).not.toBe(first);
    const again = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await again.get("kept")).toBe("yes");
    } finally {
      again.disconnect();
    }
    await redis.stop();
    expect(isRunning(second)).toBe(false);
  });
});
