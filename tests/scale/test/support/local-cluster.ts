import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { PrivateRedis, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";

const run = promisify(execFile);

/** A Redis Cluster of three masters (no replicas) on free loopback ports, made for one test file. */
export interface LocalCluster {
  /** REDIS_URL for callbot: redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3 */
  url: string;
  nodes: PrivateRedis[];
  stop(): Promise<void>;
}

/**
 * Starts three redis-servers with --cluster-enabled, joins them with
 * `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes` (each master gets a third of
 * the 16384 slots) and waits until every node reports cluster_state:ok.
 */
export async function startLocalCluster(): Promise<LocalCluster> {
  const nodes: PrivateRedis[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await PrivateRedis.start({
          args: ["--cluster-enabled", "yes", "--cluster-node-timeout", "2000", "--appendonly", "no"],
        }),
      );
    }
    const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
    await run("redis-cli", ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"]);
    for (const node of nodes) {
      await waitFor(async () => {
        const client = new Redis(node.port, "127.0.0.1", { lazyConnect: true, maxRetriesPerRequest: 1 });
        try {
          await client.connect();
          return /cluster_state:ok/.test(String(await client.cluster("INFO")));
        } finally {
          client.disconnect();
        }
      }, `cluster node ${node.port} to report cluster_state:ok`);
    }
    return {
      url: `redis+cluster://${addresses.join(",")}`,
      nodes,
      async stop() {
        await Promise.all(nodes.map((node) => node.stop()));
      },
    };
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
}
