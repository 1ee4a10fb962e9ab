import { createRedisConnection, QUEUE_NAMES, randomIdFromKey } from "@callbot/shared";
import { REDIS_URL, StallableProxy, waitFor } from "@callbot/test-support";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";
import { startStalledChecker } from "./support/stalled-jobs.ts";

/** Checklist line 8: the worker's link to Redis stalls for longer than the job lock. */
const capture = new OutputCapture();
let p: Pipeline;
let proxy: StallableProxy;
const LOCK_MS = 1_500;

beforeEach(async () => {
  const redisUrl = new URL(REDIS_URL);
  proxy = await StallableProxy.start({ host: redisUrl.hostname, port: Number(redisUrl.port || 6379) });
  // The worker reaches Redis only through the proxy; the bot and the test go direct.
  const connection = createRedisConnection(proxy.url, { role: "worker", connectionName: "callbot-worker" });
  p = await startPipeline({ capture, worker: { connection, lockDurationMs: LOCK_MS } });
});
afterEach(async () => {
  proxy.resume();
  await p.close();
  await proxy.close();
});
afterAll(() => {
  expect(capture.leaks(secretsOf(p.sandbox.info))).toEqual([]);
});

describe("8: the worker-Redis link stalls longer than the job lock", () => {
  it("the job runs again with the same random_id, so Telegram keeps one call; the stall is logged", async () => {
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "delay", ms: 4_000 },
      times: 1,
    });
    const { sent, reply } = await p.ask(WHO.olga, WHO.community, "/newcall Shaky link");
    const jobId = `newcall_${WHO.community}_${sent.id}`;
    await waitFor(
      () => ((p.sandbox.counters().mtproto["phone.createGroupCall"] ?? 0) === 1 ? true : undefined),
      "createGroupCall in flight",
    );

    proxy.stall();
    // Another worker's stalled check (here BullMQ's checker run by the test, on a direct link)
    // finds the lock lapsed while the stalled worker cannot renew it, and puts the job back.
    await p.queues.connection.del(`${p.prefix}:${QUEUE_NAMES.calls}:stalled-check`);
    const checker = await startStalledChecker(p.queues.connection, p.prefix);
    try {
      await waitFor(
        async () => ((await p.queues.calls.getJobState(jobId)) === "waiting" ? true : undefined),
        "the job put back after its lock lapsed",
        LOCK_MS * 10,
      );
    } finally {
      await checker.stop();
    }
    proxy.resume();

    const text = await p.outcome(reply, /live now|could not/, 30_000);
    expect(text).toMatch(/“Shaky link” is live now/);
    await waitFor(
      async () => ((await p.queues.calls.getJobState(jobId)) === "completed" ? true : undefined),
      "the job completed",
    );
    const calls = p.sandbox.calls(WHO.community);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.randomId).toBe(randomIdFromKey(jobId));
    const workerLog = capture.linesOf("worker").join("\n");
    expect(workerLog).toMatch(/lock/i);
    expect(capture.linesOf("worker").some((l) => /"level":(40|50)/.test(l) && /lock|stall/i.test(l))).toBe(
      true,
    );
  });
});
