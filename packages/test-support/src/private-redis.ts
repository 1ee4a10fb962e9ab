import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "./free-port.ts";

export interface PrivateRedisOptions {
  /** Extra redis-server arguments, e.g. ["--maxmemory-policy", "allkeys-lru"]. */
  args?: string[];
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
    private readonly args: string[],
  ) {}

  static async start(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options.args ?? []);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server (again) on the same port and directory; resolves once it answers PING. */
  async restart(): Promise<void> {
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
        ...this.args,
      ],
      { stdio: "ignore" },
    );
    await waitForPing(this.url);
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

async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      if (Date.now() > deadline)
        throw new Error(`redis-server at ${url} did not answer within ${timeoutMs} ms`);
      // redis-server is starting; there is no event to wait on from outside the process.
      await new Promise((resolve) => setTimeout(resolve, 25));
    } finally {
      client.disconnect();
    }
  }
}
