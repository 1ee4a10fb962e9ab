/**
 * What WAIT 1 after each job add costs (README, "Redis Sentinel"): a master and one replica on
 * loopback, BullMQ adds of a create-call-sized job on one connection (as the bot makes them),
 * with and without `WAIT 1 1000` after each, one at a time and 20 at once. Prints the median and
 * p99 per add and the adds per second.
 *
 *   cd tests/scale && pnpm exec tsx measure/replica-ack-cost.ts
 */
import { randomUUID } from "node:crypto";
import { PrivateRedis } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";

const ADDS = 2_000;
const data = { request: "x".repeat(400) };

async function measure(queue: Queue, client: Redis, wait: boolean, concurrency: number) {
  const took: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < ADDS) {
        const id = `job_${randomUUID()}`;
        next += 1;
        const t = performance.now();
        await queue.add("create-call", data, { jobId: id, removeOnComplete: true });
        if (wait) await client.wait(1, 1_000);
        took.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  took.sort((a, b) => a - b);
  const at = (q: number) => took[Math.min(took.length - 1, Math.floor(q * took.length))]!.toFixed(2);
  return `median ${at(0.5)} ms, p99 ${at(0.99)} ms, ${(ADDS / seconds).toFixed(0)} adds/s`;
}

const master = await PrivateRedis.start();
const replica = await PrivateRedis.start({ args: ["--replicaof", "127.0.0.1", String(master.port)] });
const client = new Redis(master.url, { maxRetriesPerRequest: 1 });
const queue = new Queue(`measure-${randomUUID()}`, { connection: client });
try {
  while (!/slave0:.*state=online/.test(await client.info("replication")))
    await new Promise((r) => setTimeout(r, 100));
  await measure(queue, client, false, 1); // warm-up: scripts loaded, JIT
  for (const concurrency of [1, 20]) {
    for (const wait of [false, true]) {
      console.log(
        `${concurrency} at once, ${wait ? "add + WAIT 1" : "add only   "}: ${await measure(queue, client, wait, concurrency)}`,
      );
    }
  }
} finally {
  await queue.obliterate({ force: true });
  await queue.close();
  client.disconnect();
  await replica.stop();
  await master.stop();
}
