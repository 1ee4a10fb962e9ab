import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@callbot/shared";
import { PrivateRedis, ReplyLosingProxy, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";

export const MASTER_NAME = "callbot-master";

/** A master, one replica and three sentinels (quorum 2) on free loopback ports. */
export interface LocalSentinel {
  /** REDIS_URL for callbot: redis+sentinel://127.0.0.1:s1,…/callbot-master */
  url: string;
  master: PrivateRedis;
  replica: PrivateRedis;
  /** Where the sentinels (and so every client) reach the master: its own port, or the proxy's. */
  masterPort: number;
  /** With `masterBehindProxy`: the proxy every connection to the master goes through. */
  proxy: ReplyLosingProxy | undefined;
  /** SIGKILLs the master (and closes the proxy in front of it): the sentinels must fail over. */
  killMaster(): Promise<void>;
  /** The port the sentinels name as the master now. */
  currentMasterPort(): Promise<number>;
  stop(): Promise<void>;
}

export interface LocalSentinelOptions {
  /**
   * Put a ReplyLosingProxy in front of the master and give the sentinels its port, so that the
   * sentinels, the replica and every client reach the master through it.
   */
  masterBehindProxy?: boolean;
}

/**
 * Starts the master (with min-replicas-to-write 1: it refuses writes while no replica is
 * connected and in step), its replica, and three sentinels that mark the master down after 1 s
 * without an answer, then waits until the sentinels know each other and the replica.
 */
export async function startLocalSentinel(options: LocalSentinelOptions = {}): Promise<LocalSentinel> {
  const dir = mkdtempSync(join(tmpdir(), "callbot-sentinel-"));
  const sentinels: ChildProcess[] = [];
  const started: PrivateRedis[] = [];
  let proxy: ReplyLosingProxy | undefined;
  const stop = async () => {
    await proxy?.close().catch(() => undefined);
    await Promise.all(
      sentinels.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, "exit");
        child.kill("SIGKILL");
        await exited;
      }),
    );
    await Promise.all(started.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await PrivateRedis.start({
      args: ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "10"],
    });
    started.push(master);
    if (options.masterBehindProxy) proxy = await ReplyLosingProxy.start(master.port);
    const masterPort = proxy?.port ?? master.port;
    const replica = await PrivateRedis.start({ args: ["--replicaof", "127.0.0.1", String(masterPort)] });
    started.push(replica);
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const config = join(dir, `sentinel-${port}.conf`);
      writeFileSync(
        config,
        [
          `port ${port}`,
          "bind 127.0.0.1",
          `dir ${dir}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 10000`,
          "",
        ].join("\n"),
      );
      sentinels.push(spawn("redis-server", [config, "--sentinel"], { stdio: "ignore" }));
      ports.push(port);
    }
    const ask = async <T>(port: number, question: (client: Redis) => Promise<T>): Promise<T> => {
      const client = new Redis(port, "127.0.0.1", {
        lazyConnect: true,
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
      });
      client.on("error", () => undefined);
      try {
        await client.connect();
        return await question(client);
      } finally {
        client.disconnect();
      }
    };
    // Each sentinel sees the other two and the replica: only then can a failover be agreed on.
    for (const port of ports) {
      await waitFor(
        async () => {
          const others = (await ask(port, (c) => c.call("SENTINEL", "SENTINELS", MASTER_NAME))) as unknown[];
          const replicas = (await ask(port, (c) => c.call("SENTINEL", "REPLICAS", MASTER_NAME))) as unknown[];
          return others.length === 2 && replicas.length === 1;
        },
        `sentinel ${port} to know the other sentinels and the replica`,
        15_000,
      );
    }
    await waitFor(
      async () => /slave0:.*state=online/.test(await ask(master.port, (c) => c.info("replication"))),
      "the replica to be in step with the master",
    );
    return {
      url: `redis+sentinel://${ports.map((port) => `127.0.0.1:${port}`).join(",")}/${MASTER_NAME}`,
      master,
      replica,
      masterPort,
      proxy,
      async killMaster() {
        await proxy?.close();
        await master.kill();
      },
      async currentMasterPort() {
        const [, port] = (await ask(ports[0]!, (c) =>
          c.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME),
        )) as [string, string];
        return Number(port);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
