import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { claimCommand, markCommandQueued } from "../src/newcall/replay-claim.ts";
import { REDIS_URL } from "./support/harness.ts";

describe("the replay claim of a command (real Redis)", () => {
  const redis = new Redis(REDIS_URL);
  let key: string;
  const deps = (instanceId: string) => ({ redis, instanceId, ttlSeconds: 60 });
  const noJob = async () => false;
  const jobThere = async () => true;

  beforeEach(() => {
    key = `test-${randomUUID()}:bot:claim:newcall_-100_7`;
  });
  afterAll(async () => {
    await redis.quit();
  });

  it("the first delivery handles the command; the same process's second delivery is a replay", async () => {
    expect(await claimCommand(key, deps("a"), noJob)).toBe("mine");
    expect(await claimCommand(key, deps("a"), noJob)).toBe("replayed");
    await redis.del(key);
  });

  it("once the job exists, every delivery, from any process, is a replay", async () => {
    expect(await claimCommand(key, deps("a"), noJob)).toBe("mine");
    await markCommandQueued(key, deps("a"));
    expect(await claimCommand(key, deps("b"), noJob)).toBe("replayed");
    await redis.del(key);
  });

  it("a process that died after its answer but before the job: the next process takes the request over, once", async () => {
    expect(await claimCommand(key, deps("dead"), noJob)).toBe("mine");
    expect(await claimCommand(key, deps("restarted"), noJob)).toBe("mine");
    // A further delivery to the new process, or to a third one, does not take it again.
    expect(await claimCommand(key, deps("restarted"), noJob)).toBe("replayed");
    expect(await redis.get(key)).toBe("pending:restarted");
    await redis.del(key);
  });

  it("a process that died after adding the job: the job is found, nothing is taken over", async () => {
    expect(await claimCommand(key, deps("dead"), noJob)).toBe("mine");
    expect(await claimCommand(key, deps("restarted"), jobThere)).toBe("replayed");
    expect(await redis.get(key)).toBe("queued");
    await redis.del(key);
  });
});
