import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertRedisReachable } from "@callbot/shared";
import { afterEach, describe, expect, it } from "vitest";
import { deadPort, launch, withoutCredentials } from "./support/launch.ts";

const demoRedisDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith("callbot-demo-redis-"));

describe("the very first run: pnpm start where nothing answers on REDIS_URL", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
  });

  it("starts a private redis-server for the demo, runs the demo on it, and stops it on exit", {
    timeout: 90_000,
  }, async () => {
    const before = demoRedisDirs();
    const asked = `redis://127.0.0.1:${await deadPort()}`;
    const run = launch(withoutCredentials({ REDIS_URL: asked }));
    child = run.child;
    const [, own] = await run.waitFor(
      /so the demo runs its own Redis at (redis:\/\/127\.0\.0\.1:\d+) \(no persistence; it stops when you quit\)/,
    );
    expect(run.seen.out).toContain(`Nothing answered at ${asked}`);
    await run.waitFor(/You are Olga/);
    run.child.stdin.write("/newcall Demo stream in 1h\n");
    await run.waitFor(/bot \(edited\): .*scheduled/, 30_000);
    expect(demoRedisDirs().length).toBe(before.length + 1);

    run.child.kill("SIGINT");
    expect(await run.exited).toBe(0);
    await expect(assertRedisReachable(own as string, { timeoutMs: 1_000 })).rejects.toThrow(
      /connection refused/,
    );
    expect(demoRedisDirs()).toEqual(before);
  });

  it("says in one line how to install Redis when redis-server is not installed", {
    timeout: 60_000,
  }, async () => {
    // A PATH with node and nothing else: no redis-server on it.
    const bin = mkdtempSync(join(tmpdir(), "callbot-no-redis-"));
    symlinkSync(process.execPath, join(bin, "node"));
    try {
      const run = launch(
        withoutCredentials({ PATH: bin, REDIS_URL: `redis://127.0.0.1:${await deadPort()}` }),
      );
      child = run.child;
      expect(await run.exited).toBe(1);
      const lines = run.seen.err.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^callbot could not start: nothing answers at redis:\/\/127\.0\.0\.1:\d+ and redis-server is not installed: install it \(Debian\/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis\) or set REDIS_URL to a running Redis$/,
      );
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it("never starts one in production mode: it needs the operator's Redis and says so", {
    timeout: 60_000,
  }, async () => {
    const before = demoRedisDirs();
    const port = await deadPort();
    const key = Buffer.alloc(256, 1);
    const address = Buffer.from("127.0.0.1");
    const header = Buffer.from([2, 0, address.length]);
    const session = `1${Buffer.concat([header, address, Buffer.from([1, 187]), key]).toString("base64")}`;
    const run = launch({
      ...process.env,
      BOT_TOKEN: "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      OWNER_IDS: "1",
      TG_API_ID: "1",
      TG_API_HASH: "x",
      TG_SESSION: session,
      REDIS_URL: `redis://127.0.0.1:${port}`,
    });
    child = run.child;
    expect(await run.exited).toBe(1);
    expect(run.seen.err).toContain(
      `cannot reach Redis at redis://127.0.0.1:${port} (connection refused): start redis-server or set REDIS_URL`,
    );
    expect(run.seen.out + run.seen.err).not.toMatch(/its own Redis/);
    expect(demoRedisDirs()).toEqual(before);
  });
});
