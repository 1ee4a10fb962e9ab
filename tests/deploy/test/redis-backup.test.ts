import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, PrivateRedis } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";

/**
 * The README's backup and restore commands (Production: backups), run against real
 * redis-servers: a snapshot taken with `redis-cli --rdb` and a copy of the AOF folder after
 * BGREWRITEAOF, each restored into an empty Redis as the README says, bring back the queued
 * and the delayed jobs.
 */
const folders: string[] = [];
const servers: ChildProcess[] = [];
function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "callbot-backup-"));
  folders.push(dir);
  return dir;
}
afterAll(async () => {
  for (const server of servers) if (server.exitCode === null) server.kill("SIGKILL");
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** redis-server on a free port in `dir`; resolves with a client once it answers. */
async function startRedis(
  dir: string,
  appendonly: "yes" | "no",
): Promise<{ redis: Redis; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", appendonly, "--save", ""],
    { stdio: "ignore" },
  );
  servers.push(server);
  // Asked with redis-cli until it answers, so the client below never sees a refused connection.
  const deadline = Date.now() + 10_000;
  while (
    spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout.trim() !== "PONG"
  ) {
    if (Date.now() > deadline) throw new Error(`redis-server in ${dir} did not answer`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { redis: new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1 }), server };
}

/** Waits until no AOF rewrite runs or is scheduled (INFO persistence). */
async function rewriteDone(redis: Redis): Promise<void> {
  await expect
    .poll(
      async () => {
        const info = await redis.info("persistence");
        return /aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info);
      },
      { timeout: 10_000 },
    )
    .toBe(true);
}

async function jobsIn(redis: Redis): Promise<{ waiting: string[]; delayed: string[] }> {
  const queue = new Queue("callbot-calls", { connection: redis, prefix: "callbot" });
  try {
    const ids = async (state: "waiting" | "delayed") =>
      (await queue.getJobs([state])).map((job) => job.id ?? "").sort();
    return { waiting: await ids("waiting"), delayed: await ids("delayed") };
  } finally {
    await queue.close();
  }
}

async function stop(redis: Redis, server: ChildProcess): Promise<void> {
  const exited = once(server, "exit");
  await redis.call("SHUTDOWN").catch(() => undefined);
  redis.disconnect();
  await exited;
}

describe("Redis backups as the README says (real redis-servers)", () => {
  it("a snapshot (redis-cli --rdb) and an AOF copy each restore the queued and delayed jobs", async () => {
    const production = await PrivateRedis.start();
    const live = new Redis(production.url, { maxRetriesPerRequest: 1 });
    const backups = folder();
    try {
      const queue = new Queue("callbot-calls", { connection: live, prefix: "callbot" });
      await queue.add("create-call", { v: 1, kind: "create-call", requestId: "now_1" }, { jobId: "now_1" });
      await queue.add(
        "create-call",
        { v: 1, kind: "create-call", requestId: "later_1" },
        { jobId: "later_1", delay: 3_600_000 },
      );
      await queue.close();
      const expected = { waiting: ["now_1"], delayed: ["later_1"] };
      expect(await jobsIn(live)).toEqual(expected);

      // The snapshot, from the running server.
      const snapshot = join(backups, "redis.rdb");
      const rdb = spawnSync("redis-cli", ["-p", String(production.port), "--rdb", snapshot], {
        encoding: "utf8",
      });
      expect(rdb.status, rdb.stderr).toBe(0);
      // The AOF folder, after a rewrite has finished.
      const [, dir] = (await live.config("GET", "dir")) as [string, string];
      await live.call("BGREWRITEAOF");
      await rewriteDone(live);
      const tar = spawnSync("tar", ["-C", dir, "-czf", join(backups, "aof.tgz"), "appendonlydir"], {
        encoding: "utf8",
      });
      expect(tar.status, tar.stderr).toBe(0);

      // Restore the AOF copy: the folder in an empty dir, Redis started with appendonly yes.
      const fromAof = folder();
      expect(spawnSync("tar", ["-C", fromAof, "-xzf", join(backups, "aof.tgz")]).status).toBe(0);
      const restoredAof = await startRedis(fromAof, "yes");
      expect(await jobsIn(restoredAof.redis)).toEqual(expected);
      await stop(restoredAof.redis, restoredAof.server);

      // Restore the snapshot: dump.rdb loaded with appendonly off, then AOF turned on (Redis
      // writes a new AOF from the loaded data), then restarted with appendonly yes as in redis.conf.
      const fromRdb = folder();
      copyFileSync(snapshot, join(fromRdb, "dump.rdb"));
      const loaded = await startRedis(fromRdb, "no");
      expect(await jobsIn(loaded.redis)).toEqual(expected);
      await loaded.redis.config("SET", "appendonly", "yes");
      await rewriteDone(loaded.redis);
      expect(existsSync(join(fromRdb, "appendonlydir"))).toBe(true);
      await stop(loaded.redis, loaded.server);
      const restarted = await startRedis(fromRdb, "yes");
      expect(await jobsIn(restarted.redis)).toEqual(expected);
      await stop(restarted.redis, restarted.server);
    } finally {
      await live.quit();
      await production.stop();
    }
  });
});
