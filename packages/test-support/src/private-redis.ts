import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@callbot/shared";
import { Redis } from "ioredis";
import { waitFor } from "./wait-for.ts";

export interface PrivateRedisOptions {
  /** Extra redis-server arguments, e.g. ["--maxmemory-policy", "allkeys-lru"]. */
  args?: string[];
  /** The password the server requires (when args hold --requirepass), to know that it answers. */
  password?: string;
}

/**
 * A redis-server of the test's own, on a free port, persisting every write to an append-only
 * file (appendfsync always) in a temporary directory, so that it can be killed with SIGKILL and
 * started again on the same port with the same data, as a crashed production Redis would be.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "callbot-test-redis-"));

  private constructor(
    readonly port: number,
    private readonly options: PrivateRedisOptions,
  ) {}

  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options);
    try {
      await redis.restart();
    } catch (error) {
      // Never leave a server behind, even when the test gives up on it.
      await redis.stop();
      throw error;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts redis-server (again) on the same port and directory; resolves once it answers PING.
   * Nothing to do while it runs: a second server could not bind the port and would exit, and the
   * one still running would be left behind when the test stops it.
   */
  async restart(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return;
    this.child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        this.dir,
        ...(this.options.args ?? []),
      ],
      { stdio: "ignore" },
    );
    await waitForPing(this.port, this.options.password);
  }

  /**
   * SIGKILL, then start again with every key gone: a Redis without persistence (or a failover to
   * an empty replica) as the clients see it. Same port, so their connections come back.
   */
  async restartEmpty(): Promise<void> {
    await this.kill();
    for (const entry of readdirSync(this.dir))
      rmSync(join(this.dir, entry), { recursive: true, force: true });
    await this.restart();
  }

  /** SIGKILL: no shutdown, no final save; only what the append-only file already holds survives. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** redis-server is starting; there is no event to wait on from outside the process. */
async function waitForPing(port: number, password: string | undefined): Promise<void> {
  await waitFor(
    async () => {
      const client = new Redis({
        port,
        host: "127.0.0.1",
        password,
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        // ioredis's ready check sends INFO, which some tests rename away.
        enableReadyCheck: false,
      });
      client.on("error", () => undefined);
      try {
        await client.connect();
        return (await client.ping()) === "PONG";
      } finally {
        client.disconnect();
      }
    },
    `redis-server on port ${port} to answer PING`,
    10_000,
  );
}
