import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { PrivateRedis } from "@callbot/test-support";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { productEnv, startBotProcess, startWorkerProcess } from "./support/deployment.ts";
import { faultsWorld, WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import { ENTRY, ServiceProcess } from "./support/service-process.ts";

/**
 * Checklist line 21: no log line, error message or job payload holds the bot token or the
 * session string (nor the auth key inside it). Every other file of this suite scans what its own
 * processes printed and what it read from Redis (the afterAll of each file); this one drives the
 * paths most likely to leak, at LOG_LEVEL=trace: start-up, a call, a Telegram error, config
 * errors and a dead session, then scans every process line, every Redis value and every message
 * the bot sent.
 */
const capture = new OutputCapture();
let redis: PrivateRedis;
let sandbox: Sandbox;
let queues: CallQueues;
let env: ReturnType<typeof productEnv>;
const processes: ServiceProcess[] = [];

beforeAll(async () => {
  redis = await PrivateRedis.start();
  sandbox = await startSandbox({ world: faultsWorld(), rateLimits: false });
  const prefix = `faults-${randomUUID()}`;
  env = productEnv(sandbox.info, { redisUrl: redis.url, prefix, ownerIds: [WHO.oscar], logLevel: "trace" });
  queues = new CallQueues(redis.url, prefix, capture);
});
afterAll(async () => {
  await Promise.allSettled(processes.map((p) => p.dispose()));
  await queues.close();
  await redis.stop();
  await sandbox.close();
});

/** Every value under the prefix, whatever its type, into the capture. */
async function captureRedis(connection: Redis): Promise<number> {
  const keys = await connection.keys("*");
  for (const key of keys) {
    const type = await connection.type(key);
    const value =
      type === "hash"
        ? await connection.hgetall(key)
        : type === "string"
          ? await connection.get(key)
          : type === "list"
            ? await connection.lrange(key, 0, -1)
            : type === "zset"
              ? await connection.zrange(key, "0", "-1", "WITHSCORES")
              : type === "set"
                ? await connection.smembers(key)
                : type === "stream"
                  ? await connection.xrange(key, "-", "+")
                  : null;
    capture.add(`redis ${type}`, `${key} ${JSON.stringify(value)}`);
  }
  return keys.length;
}

describe("21: no secret in any log line, error message or job payload", () => {
  it("bot and worker at trace level through a call, a Telegram error, a dead session and config errors", async () => {
    const [bot, worker] = await Promise.all([
      startBotProcess(env.bot, capture),
      startWorkerProcess(env.worker, capture),
    ]);
    processes.push(bot, worker);

    const ok = await sandbox.sendText({
      from: WHO.olga,
      chatId: WHO.community,
      text: "/newcall Secret-free",
    });
    const okAck = await sandbox.waitForBotMessage(WHO.community, (m) => m.replyToMessageId === ok.id);
    await sandbox.waitForEdit(WHO.community, okAck.id, (m) => /live now/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });

    const refused = await sandbox.sendText({
      from: WHO.olga,
      chatId: -1001500000005,
      text: "/newcall No rights",
    });
    const refusedAck = await sandbox.waitForBotMessage(
      -1001500000005,
      (m) => m.replyToMessageId === refused.id,
    );
    await sandbox.waitForEdit(-1001500000005, refusedAck.id, (m) => /could not/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });

    sandbox.faults.mtproto({ method: "*", action: { kind: "error", code: 401, message: "SESSION_REVOKED" } });
    const dead = await sandbox.sendText({
      from: WHO.olga,
      chatId: WHO.privateTeam,
      text: "/newcall Dead session",
    });
    const deadAck = await sandbox.waitForBotMessage(WHO.privateTeam, (m) => m.replyToMessageId === dead.id);
    await sandbox.waitForEdit(WHO.privateTeam, deadAck.id, (m) => /could not/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });
    await sandbox.waitForBotMessage(WHO.oscar, (m) => /operator alert/.test(m.text ?? ""), {
      timeoutMs: 15_000,
    });
    worker.signal("SIGTERM");
    bot.signal("SIGTERM");
    await Promise.all([worker.exited, bot.exited]);

    // Start-up failures print what is wrong with the configuration; never the values of secrets.
    const badBot = new ServiceProcess("bot", ENTRY.bot, { ...env.bot, OWNER_IDS: "not-a-number" }, capture);
    const badWorker = new ServiceProcess("worker", ENTRY.worker, { ...env.worker, TG_API_ID: "x" }, capture);
    const lockedOut = new ServiceProcess(
      "worker",
      ENTRY.worker,
      { ...env.worker, TG_SESSION: `${env.worker.TG_SESSION.slice(0, -8)}AAAAAAA=` },
      capture,
    );
    processes.push(badBot, badWorker, lockedOut);
    // A session whose auth key Telegram does not know: the worker gives up within its 20 s
    // connection deadline and says what to do; what it prints meanwhile is scanned too.
    const exits = await Promise.all([badBot.exited, badWorker.exited, lockedOut.exited]);
    for (const exit of exits) expect(exit.code).not.toBe(0);
    expect(lockedOut.lines.join("\n")).toMatch(/does not know this session.*pnpm session/s);
    expect(badBot.lines.join("\n")).toMatch(/OWNER_IDS/);
    expect(badWorker.lines.join("\n")).toMatch(/TG_API_ID/);

    await queues.callJobs();
    await queues.resultMessages();
    expect(await captureRedis(queues.connection)).toBeGreaterThan(0);
    for (const chatId of [WHO.community, -1001500000005, WHO.privateTeam, WHO.oscar]) {
      for (const m of sandbox.world.messages(chatId))
        capture.add("chat", [m.text ?? "", ...m.editHistory].join("\n"));
    }

    expect(capture.size).toBeGreaterThan(50); // the scan had something to read
    expect(capture.leaks(secretsOf(sandbox.info))).toEqual([]);
  });
});

describe("the secret scan itself", () => {
  it("finds a token, a session and an auth key planted in a line (so a clean scan means something)", () => {
    const secrets = secretsOf(sandbox.info);
    const session = sandbox.info.sessions.callbot_assistant ?? "";
    const authKey = Buffer.from(session.slice(1), "base64").subarray(-256);
    for (const planted of [
      `GET /bot${sandbox.info.botToken}/getMe`,
      `session=${session}`,
      `key ${authKey.toString("hex")}`,
      `key ${authKey.toString("base64")}`,
    ]) {
      const probe = new OutputCapture();
      probe.add("probe", planted);
      expect(probe.leaks(secrets).length).toBeGreaterThan(0);
    }
  });
});
