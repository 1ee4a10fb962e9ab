import { randomBytes, randomUUID } from "node:crypto";
import { connect } from "node:net";
import { crc32 } from "node:zlib";
import type { WorldMessage } from "@callbot/sandbox";
import { PrivateRedis, waitFor } from "@callbot/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { productEnv, startBotProcess, startWorkerProcess } from "./support/deployment.ts";
import { faultsWorld, roomId, WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import { type SandboxProcess, startSandboxProcess } from "./support/sandbox-process.ts";
import type { ServiceProcess } from "./support/service-process.ts";

/**
 * The sandbox, the bot and the worker all as processes, driven through the sandbox's control
 * HTTP API: checklist line 24 (garbage on the MTProto port) and line 13 (SIGTERM mid-work,
 * for the worker, the bot and the sandbox itself).
 */
const capture = new OutputCapture();
let redis: PrivateRedis;
let sandbox: SandboxProcess;
let queues: CallQueues;
let env: ReturnType<typeof productEnv>;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
  sandbox = await startSandboxProcess(faultsWorld({ rooms: 6 }));
  const prefix = `faults-${randomUUID()}`;
  env = productEnv(sandbox.info, { redisUrl: redis.url, prefix, ownerIds: [WHO.oscar] });
  queues = new CallQueues(redis.url, prefix, capture);
});
afterAll(async () => {
  await Promise.allSettled(processes.map((p) => p.dispose()));
  await sandbox.process.dispose();
  await queues.close();
  await redis.stop();
  expect(capture.leaks(secretsOf(sandbox.info))).toEqual([]);
});

async function count(protocol: "mtproto" | "botApi", method: string): Promise<number> {
  const counters = await sandbox.control<Record<string, Record<string, number>>>("GET", "/counters");
  return counters[protocol]?.[method] ?? 0;
}

async function bot() {
  const started = await startBotProcess(env.bot, capture);
  processes.push(started);
  return started;
}
async function worker() {
  const started = await startWorkerProcess(env.worker, capture);
  processes.push(started);
  return started;
}

/** A /newcall through the control API, answered "live now" by the processes. */
async function callWorks(room: number): Promise<void> {
  const { reply } = await sandbox.ask(WHO.olga, roomId(room), `/newcall Room ${room} call`);
  expect(firstVersion(reply)).toMatch(/Queued: /);
  await sandbox.waitForBotMessage(
    roomId(room),
    (m) => m.id === reply.id && /live now/.test(m.text ?? ""),
    30_000,
  );
}

/** The text a message was first sent with (read over HTTP, it may already be edited). */
function firstVersion(message: WorldMessage): string {
  return [...message.editHistory, message.text ?? ""][0] ?? "";
}

function fullFrame(payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32LE(payload.length + 12, 0);
  head.writeInt32LE(0, 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(Buffer.concat([head, payload])), 0);
  return Buffer.concat([head, payload, crc]);
}

/** Opens a raw TCP connection, sends bytes, and resolves "closed" if the server hangs up within 5 s. */
async function sendGarbage(bytes: Buffer, endAfter = false): Promise<"closed" | "still open"> {
  const socket = connect(sandbox.info.mtproto.port, sandbox.info.mtproto.host);
  socket.on("error", () => undefined);
  // Read (and drop) what the server answers, as a real client does: an unread socket never sees
  // the server's end, and a wrong auth key is answered with the transport error -404 first.
  socket.resume();
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const closed = new Promise<"closed">((resolve) => socket.once("close", () => resolve("closed")));
  if (endAfter) socket.end(bytes);
  else socket.write(bytes);
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    closed,
    new Promise<"still open">((resolve) => {
      timer = setTimeout(() => resolve("still open"), 5_000);
    }),
  ]);
  clearTimeout(timer);
  socket.destroy();
  return result;
}

describe("24: garbage on the sandbox's MTProto port", () => {
  beforeAll(async () => {
    await Promise.all([bot(), worker()]);
  });

  it.each([
    [
      "random bytes",
      () => sendGarbage(Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0x7f]), randomBytes(60)])),
      1,
    ],
    [
      "a truncated frame (the client hangs up mid-frame)",
      () => sendGarbage(fullFrame(randomBytes(128)).subarray(0, 50), true),
      2,
    ],
    // An auth_key_id nobody was issued, then a msg_key and encrypted-looking bytes.
    [
      "a wrong auth key",
      () => sendGarbage(fullFrame(Buffer.concat([randomBytes(8), randomBytes(16), randomBytes(64)]))),
      3,
    ],
  ] as const)(
    "%s: that connection is closed; the worker's connection keeps being served",
    async (_kind, send, room) => {
      expect(await send()).toBe("closed");
      await callWorks(room);
    },
  );
});

describe("13: SIGTERM mid-work", () => {
  it("the worker finishes the call in flight, reports it, and exits 0 within its deadline", async () => {
    const current = processes.find((p) => p.name === "worker" && p.running) ?? (await worker());
    await sandbox.control("POST", "/faults/mtproto", {
      method: "phone.createGroupCall",
      action: { kind: "delay", ms: 1_500 },
      times: 1,
    });
    const before = await count("mtproto", "phone.createGroupCall");
    const { reply } = await sandbox.ask(WHO.olga, roomId(4), "/newcall Finishing");
    await waitFor(
      async () => ((await count("mtproto", "phone.createGroupCall")) > before ? true : undefined),
      "the call in flight",
    );
    const signalledAt = Date.now();
    current.signal("SIGTERM");
    const exit = await current.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(20_000); // WORKER_EXIT_DEADLINE_MS (packages/shared/src/process/stop-deadlines.ts)
    // It finished rather than dropped the work: the call exists and the report is on its way.
    const { calls } = await sandbox.control<{ calls: unknown[] }>("GET", `/chats/${roomId(4)}/calls`);
    expect(calls).toHaveLength(1);
    await sandbox.waitForBotMessage(
      roomId(4),
      (m) => m.id === reply.id && /live now/.test(m.text ?? ""),
      20_000,
    );
  });

  it("the bot finishes the command it is handling (answer sent, job queued) and exits 0", async () => {
    const current = processes.find((p) => p.name === "bot" && p.running) ?? (await bot());
    await sandbox.control("POST", "/faults/bot-api", {
      method: "sendMessage",
      action: { kind: "slow", ms: 1_500 },
      times: 1,
    });
    const before = await count("botApi", "sendMessage");
    const { message: sent } = await sandbox.control<{ message: { id: number } }>("POST", "/act/send", {
      from: WHO.olga,
      chatId: roomId(5),
      text: "/newcall In flight",
    });
    await waitFor(
      async () => ((await count("botApi", "sendMessage")) > before ? true : undefined),
      'the slow "queued" answer on its way',
    );
    const signalledAt = Date.now();
    current.signal("SIGTERM");
    const exit = await current.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(15_000); // SHUTDOWN_DEADLINE_MS in apps/bot/src/main.ts
    const ack = await sandbox.waitForBotMessage(roomId(5), (m) => m.replyToMessageId === sent.id);
    expect(firstVersion(ack)).toMatch(/Queued: video chat “In flight”/);
    const jobs = await queues.callJobs();
    expect(jobs.some((job) => job.id === `newcall_${roomId(5)}_${sent.id}`)).toBe(true);
  });

  it("the sandbox, with a bot polling it and a worker waiting on a call that never answers, exits 0 within 5 s", async () => {
    await Promise.all([bot(), worker()]);
    await sandbox.control("POST", "/faults/mtproto", {
      method: "phone.createGroupCall",
      action: { kind: "hang" },
    });
    const before = await count("mtproto", "phone.createGroupCall");
    // Oscar (an operator) asks: Olga has used up her five /newcall a minute in this file.
    await sandbox.ask(WHO.oscar, WHO.oscar, `/newcall ${roomId(6)} Hanging`);
    await waitFor(
      async () => ((await count("mtproto", "phone.createGroupCall")) > before ? true : undefined),
      "the hanging call in flight",
    );
    const signalledAt = Date.now();
    sandbox.process.signal("SIGTERM");
    const exit = await sandbox.process.exited;
    expect(exit.code).toBe(0);
    expect(exit.at - signalledAt).toBeLessThan(5_000);
  });
});
