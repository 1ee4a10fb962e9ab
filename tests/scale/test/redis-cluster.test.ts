import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, startDeployment } from "./support/deployment.ts";
import { type LocalCluster, startLocalCluster } from "./support/local-cluster.ts";

/**
 * The whole pipeline on a Redis Cluster of three masters started here: the bot and the worker
 * connect with REDIS_URL=redis+cluster://…, ioredis's Cluster client, and a hash-tagged prefix.
 * A /newcall goes through the calls queue, the worker, the results queue and the request ledger,
 * and every key callbot wrote is then found in the one slot of the prefix's hash tag (each
 * MULTI and script of BullMQ's and callbot's needs its keys in one slot).
 */
let cluster: LocalCluster;
let d: Deployment;
const tag = `scale-${randomUUID()}`;

beforeAll(async () => {
  cluster = await startLocalCluster();
  d = await startDeployment({ redisUrl: cluster.url, botReplicas: 1, chats: 2, prefix: `{${tag}}` });
}, 90_000);
afterAll(async () => {
  await d?.close();
  await cluster?.stop();
});

describe("Redis Cluster (redis+cluster://, three masters)", () => {
  it("a /newcall goes through the whole pipeline, and every key callbot wrote lives in its prefix's slot", async () => {
    const seat = d.world.privateSeats[0]!;
    const sent = await d.sandbox.sendText({
      from: seat.ownerId,
      chatId: seat.chatId,
      text: "/newcall On the cluster",
    });
    const reply = await d.sandbox.waitForBotMessage(seat.chatId, (m) => m.replyToMessageId === sent.id, {
      timeoutMs: 15_000,
    });
    const outcome = await d.sandbox.waitForEdit(
      seat.chatId,
      reply.id,
      (m) => m.text?.startsWith("✅") ?? false,
      {
        timeoutMs: 20_000,
      },
    );
    expect(outcome.text).toContain("“On the cluster” is live now");
    expect(d.sandbox.calls(seat.chatId)).toHaveLength(1);

    // Each node's share of callbot's keys: all of them on the node that owns the tag's slot.
    const perNode = await Promise.all(
      cluster.nodes.map(async (node) => {
        const client = new Redis(node.port, "127.0.0.1");
        try {
          const keys: string[] = [];
          let cursor = "0";
          do {
            const [next, found] = await client.scan(cursor, "MATCH", `{${tag}}*`, "COUNT", 1000);
            cursor = next;
            keys.push(...found);
          } while (cursor !== "0");
          const slot = Number(await client.cluster("KEYSLOT", tag));
          const slots = new Set(
            await Promise.all(keys.map(async (key) => Number(await client.cluster("KEYSLOT", key)))),
          );
          return { keys: keys.length, slots: [...slots], slot };
        } finally {
          client.disconnect();
        }
      }),
    );
    const holding = perNode.filter((node) => node.keys > 0);
    expect(holding).toHaveLength(1);
    // The queues, the request ledger, the chat lock's handled ids, known chats…: dozens of keys.
    expect(holding[0]!.keys).toBeGreaterThan(10);
    expect(holding[0]!.slots).toEqual([holding[0]!.slot]);
  });
});
