import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { PrivateRedis } from "@callbot/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { captureRedis } from "./support/capture-redis.ts";
import { productEnv, startBotProcess, startWorkerProcess } from "./support/deployment.ts";
import { faultsWorld, WHO } from "./support/faults-world.ts";
import { deliveredSecretsOf, OutputCapture, secretsOf } from "./support/output-capture.ts";
import { ENTRY, ServiceProcess } from "./support/service-process.ts";

/**
 * Checklist lines 21 and 32: no log line, error message or job payload holds the bot token or
 * the session string (nor the auth key inside it), and stream keys and invite hashes appear
 * only in the chat they were delivered to: never in a log, an error or Redis. Every other file of this suite scans what its own
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

describe("21 and 32: no secret in any log line, error message or job payload", () => {
  it("bot and worker at trace level through a call, a livestream whose key fails to arrive once, a Telegram error, a dead session and config errors", {
    timeout: 240_000,
  }, async () => {
    const [bot, worker] = await Promise.all([
      // 5xx retries after 0.3, 0.6 and 1.2 s instead of production's 3, 6 and 12 s: the same tries.
      startBotProcess({ ...env.bot, BOT_API_RETRY_DELAY_MS: "300" }, capture),
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

    // Checklist 32: a livestream for an operator (its key goes into the private answer) whose
    // first delivery fails: Telegram answers 5xx until auto-retry gives up, and the error, which
    // carries the message text, reaches the bot's error path before BullMQ's retry delivers it.
    sandbox.faults.botApi({ method: "editMessageText", action: { kind: "5xx" }, times: 4 });
    const stream = await sandbox.sendText({
      from: WHO.oscar,
      chatId: WHO.oscar,
      text: "/newcall @olga_studio Stream rtmp",
    });
    const streamAck = await sandbox.waitForBotMessage(WHO.oscar, (m) => m.replyToMessageId === stream.id);
    // The bot backs off 0.3, 0.6 and 1.2 s between its tries (BOT_API_RETRY_DELAY_MS).
    await sandbox.waitForEdit(WHO.oscar, streamAck.id, (m) => /Stream key: /.test(m.text ?? ""), {
      timeoutMs: 60_000,
    });
    // The failure did happen and was logged. A 5xx answer can also surface as a network failure
    // (the sandbox closes the kept-alive connection after it), which the bot logs as
    // unreachable and retries; either way the failing request's text went through an error path.
    expect(bot.lines.join("\n")).toMatch(/delivering a result failed|the Bot API could not be reached/);

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
      // A 3 s deadline (TG_CONNECT_TIMEOUT_MS) proves the same give-up as the default 20 s.
      {
        ...env.worker,
        TG_SESSION: `${env.worker.TG_SESSION.slice(0, -8)}AAAAAAA=`,
        TG_CONNECT_TIMEOUT_MS: "3000",
      },
      capture,
    );
    processes.push(badBot, badWorker, lockedOut);
    // A session whose auth key Telegram does not know: the worker gives up within its
    // connection deadline and says what to do; what it prints meanwhile is scanned too.
    const exits = await Promise.all([badBot.exited, badWorker.exited, lockedOut.exited]);
    for (const exit of exits) expect(exit.code).not.toBe(0);
    expect(lockedOut.lines.join("\n")).toMatch(/does not know this session.*pnpm session/s);
    expect(badBot.lines.join("\n")).toMatch(/OWNER_IDS/);
    expect(badWorker.lines.join("\n")).toMatch(/TG_API_ID/);

    await queues.callJobs();
    await queues.resultMessages();
    expect(await captureRedis(queues.connection, capture)).toBeGreaterThan(0);
    for (const chatId of [WHO.community, -1001500000005, WHO.privateTeam, WHO.oscar]) {
      for (const m of sandbox.world.messages(chatId))
        capture.add("chat", [m.text ?? "", ...m.editHistory].join("\n"));
    }

    expect(capture.size).toBeGreaterThan(50); // the scan had something to read
    expect(capture.leaks(secretsOf(sandbox.info))).toEqual([]);
    const delivered = deliveredSecretsOf(sandbox.world);
    expect(Object.keys(delivered).length).toBeGreaterThanOrEqual(2); // a stream key and an invite hash
    expect(capture.leaks(delivered, { except: ["chat"] })).toEqual([]);
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

  it("finds a stream key and an invite hash planted in a log line or in Redis, and lets them be in the chat they were sent to", async () => {
    const key = sandbox.world.getGroupCallStreamRtmpUrl(WHO.assistant, 1500000006, false).key;
    const [call] = sandbox.calls(WHO.community);
    const invite = sandbox.world.exportGroupCallInvite(WHO.olga, call!.id);
    const delivered = deliveredSecretsOf(sandbox.world);
    const probe = new OutputCapture();
    probe.add("bot", JSON.stringify({ level: 40, err: { payload: { text: `Stream key: ${key}` } } }));
    await queues.connection.set("planted-by-the-scan-test", JSON.stringify({ inviteLink: invite }));
    await captureRedis(queues.connection, probe, "planted-by-the-scan-test");
    probe.add("chat", `Stream key: ${key}\nJoin: ${invite}`);
    const found = probe.leaks(delivered, { except: ["chat"] });
    expect(found.map((leak) => leak.source).sort()).toEqual(["bot", "redis string"]);
    await queues.connection.del("planted-by-the-scan-test");
  });
});
