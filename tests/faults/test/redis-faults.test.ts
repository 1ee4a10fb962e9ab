import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox, type WorldMessage } from "@callbot/sandbox";
import { PrivateRedis, waitFor } from "@callbot/test-support";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { callRequest } from "./support/call-request.ts";
import { productEnv, READY, startBotProcess, startWorkerProcess } from "./support/deployment.ts";
import { faultsWorld, roomId, WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import { ENTRY, logMessageOf, ServiceProcess } from "./support/service-process.ts";

/** Checklist lines 4, 5 and 6: a private redis-server, really killed and restarted, or misconfigured. */
const capture = new OutputCapture();
/** Enough private rooms to fill the worker's concurrency and have one job waiting and one delayed. */
const ROOMS = 16;
let sandbox: Sandbox;
let redis: PrivateRedis | undefined;
let queues: CallQueues | undefined;
const processes: ServiceProcess[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ world: faultsWorld({ rooms: ROOMS }), rateLimits: false });
});
afterEach(async () => {
  await Promise.allSettled(processes.splice(0).map((p) => p.dispose()));
  await queues?.close();
  queues = undefined;
  await redis?.stop();
  redis = undefined;
  await sandbox.close();
});
afterAll(() => {
  expect(capture.leaks(secretsOf(sandbox.info))).toEqual([]);
});

async function deploy(redisArgs: string[] = []) {
  redis = await PrivateRedis.start({ args: redisArgs });
  const prefix = `faults-${randomUUID()}`;
  queues = new CallQueues(redis.url, prefix, capture);
  return productEnv(sandbox.info, { redisUrl: redis.url, prefix, ownerIds: [WHO.oscar] });
}

async function newcall(
  from: number,
  chatId: number,
  text: string,
): Promise<{ sent: WorldMessage; ack: WorldMessage }> {
  const sent = await sandbox.sendText({ from, chatId, text });
  const ack = await sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id, {
    timeoutMs: 15_000,
  });
  return { sent, ack };
}

describe("4: Redis (append-only, fsync always) is SIGKILLed and restarted", () => {
  it("waiting, delayed and active jobs survive; the running bot and worker reconnect and carry on", async () => {
    const env = await deploy();
    const [bot, worker] = await Promise.all([
      startBotProcess(env.bot, capture),
      startWorkerProcess(env.worker, capture),
    ]);
    processes.push(bot, worker);
    const q = queues!;

    // Calls in flight fill the worker (its concurrency, from its ready line); one more waits; one is delayed.
    const concurrency = Number(JSON.parse(await worker.waitForLog(READY.worker)).concurrency);
    expect(concurrency).toBeLessThanOrEqual(ROOMS - 2);
    sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "delay", ms: 5_000 },
      times: concurrency,
    });
    const acks: WorldMessage[] = [];
    for (let n = 1; n <= concurrency; n++) {
      // Two through the bot (their requesters must hear back), the rest as the bot would queue them.
      if (n <= 2) acks.push((await newcall(WHO.olga, roomId(n), `/newcall Room call ${n}`)).ack);
      else
        await q.addCallJob(
          callRequest({ chatId: roomId(n), title: `Room ${n}` }, { title: `Room call ${n}` }),
        );
    }
    await waitFor(
      () => ((sandbox.counters().mtproto["phone.createGroupCall"] ?? 0) === concurrency ? true : undefined),
      `${concurrency} calls in flight`,
    );
    const waitingRoom = concurrency + 1;
    const delayedRoom = concurrency + 2;
    const { sent: waiting, ack: waitingAck } = await newcall(
      WHO.olga,
      roomId(waitingRoom),
      "/newcall Waiting",
    );
    acks.push(waitingAck);
    const delayed = callRequest(
      { chatId: roomId(delayedRoom), title: `Room ${delayedRoom}` },
      { title: "Delayed" },
    );
    await q.addCallJob(delayed, { delay: 3_000 });
    const waitingId = `newcall_${roomId(waitingRoom)}_${waiting.id}`;
    await waitFor(
      async () => ((await q.calls.getJobState(waitingId)) === "waiting" ? true : undefined),
      "the extra job waiting",
    );
    expect(await q.calls.getJobState(delayed.requestId)).toBe("delayed");
    expect(await q.calls.getActiveCount()).toBe(concurrency);

    await redis!.kill();
    await redis!.restart();

    // Every job survived the crash: each room gets exactly one call, and each requester hears of it.
    const rooms = Array.from({ length: delayedRoom }, (_, i) => i + 1);
    for (const n of rooms) {
      await waitFor(
        () => (sandbox.calls(roomId(n)).length === 1 ? true : undefined),
        `the call in Room ${n}`,
        30_000,
      );
    }
    for (const ack of acks) {
      await sandbox.waitForEdit(ack.chatId, ack.id, (m) => /live now/.test(m.text ?? ""), {
        timeoutMs: 30_000,
      });
    }
    // Neither process was restarted, and both serve a new request.
    expect(bot.running && worker.running).toBe(true);
    const { ack } = await newcall(WHO.adam, WHO.community, "/newcall After the crash");
    expect(ack.text).toContain("Queued");
    await sandbox.waitForEdit(ack.chatId, ack.id, (m) => /live now/.test(m.text ?? ""), {
      timeoutMs: 30_000,
    });
    for (const n of rooms) expect(sandbox.calls(roomId(n))).toHaveLength(1);
    await q.callJobs(); // payloads into the secret scan
  });
});

describe("5: Redis evicts keys (maxmemory-policy allkeys-lru)", () => {
  // Decision (README "Why callbot refuses a Redis that evicts"; shared checkMaxmemoryPolicy):
  // refuse to start and say how to fix it; ALLOW_REDIS_EVICTION=1 starts with a loud warning.
  const refusal =
    /maxmemory-policy is \\"allkeys-lru\\", but BullMQ needs \\"noeviction\\".*CONFIG SET maxmemory-policy noeviction/;

  it("the bot and the worker refuse to start, each saying why and how to fix it", async () => {
    const env = await deploy(["--maxmemory-policy", "allkeys-lru"]);
    const bot = new ServiceProcess("bot", ENTRY.bot, env.bot, capture);
    const worker = new ServiceProcess("worker", ENTRY.worker, env.worker, capture);
    processes.push(bot, worker);
    const [botExit, workerExit] = await Promise.all([bot.exited, worker.exited]);
    expect(botExit.code).toBe(1);
    expect(workerExit.code).toBe(1);
    expect(bot.lines.join("\n")).toMatch(refusal);
    expect(worker.lines.join("\n")).toMatch(refusal);
    expect(bot.lines.some((l) => READY.bot.test(logMessageOf(l) ?? ""))).toBe(false);
    expect(sandbox.counters().mtproto).toEqual({}); // the worker never reached Telegram
  });

  it("with ALLOW_REDIS_EVICTION=1 both start, with a loud warning", async () => {
    const env = await deploy(["--maxmemory-policy", "allkeys-lru"]);
    const [bot, worker] = await Promise.all([
      startBotProcess({ ...env.bot, ALLOW_REDIS_EVICTION: "1" }, capture),
      startWorkerProcess({ ...env.worker, ALLOW_REDIS_EVICTION: "1" }, capture),
    ]);
    processes.push(bot, worker);
    for (const p of [bot, worker]) {
      expect(
        p.lines.some((l) => /"level":40.*WARNING: Redis's maxmemory-policy is \\"allkeys-lru\\"/.test(l)),
      ).toBe(true);
    }
  });
});

describe("6: Redis is down when a user sends /newcall", () => {
  it("the user is told within about 2 s that nothing was queued; no job appears once Redis is back", async () => {
    const env = await deploy();
    const bot = await startBotProcess(env.bot, capture);
    processes.push(bot);
    await redis!.kill();

    const started = Date.now();
    const { sent, ack } = await newcall(WHO.olga, WHO.community, "/newcall Lost");
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(ack.text).toContain("I could not queue this request");
    expect(ack.text).toContain("Nothing was queued");

    await redis!.restart();
    // The same bot process takes the next request once Redis is back (retried until it does).
    const later = await waitFor(
      async () => {
        const { ack: next } = await newcall(WHO.adam, WHO.community, "/newcall Found");
        return next.text?.includes("Queued") ? next : undefined;
      },
      "a /newcall queued after Redis came back",
      20_000,
      1_000,
    );
    expect(later.text).toContain("Queued: video chat “Found”");
    // The bot answers before it adds the job: wait for the job, then check it is the only one.
    const jobs = await waitFor(async () => {
      const found = await queues!.callJobs();
      return found.length > 0 ? found : undefined;
    }, "the job of the second request");
    expect(jobs.map((job) => job.data.title)).toEqual(["Found"]);
    expect(jobs.some((job) => job.id === `newcall_${WHO.community}_${sent.id}`)).toBe(false);
    expect(bot.running).toBe(true);
  });
});
