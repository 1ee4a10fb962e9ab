import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox, type WorldMessage } from "@callbot/sandbox";
import { describeTelegramError, randomIdFromKey } from "@callbot/shared";
import { PrivateRedis, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { productEnv, startBotProcess, startWorkerProcess } from "./support/deployment.ts";
import { faultsWorld, WHO } from "./support/faults-world.ts";
import { deliveredSecretsOf, OutputCapture, type Secrets, secretsOf } from "./support/output-capture.ts";
import { ENTRY, ServiceProcess } from "./support/service-process.ts";
import { lapseDeadWorkerLocks, startStalledChecker } from "./support/stalled-jobs.ts";

/**
 * Checklist lines 1, 2, 7 and 12 with the bot and the worker as real processes (their main.ts),
 * killed with SIGKILL; the sandbox runs in this process so that faults and counters are at hand.
 */
const capture = new OutputCapture();
let redis: PrivateRedis;
let sandbox: Sandbox;
let queues: CallQueues;
let inspector: Redis;
let env: ReturnType<typeof productEnv>;
let prefix: string;
const processes: ServiceProcess[] = [];
/** Invite hashes (and any stream key) of every test's sandbox, for the log scan of checklist 32. */
let delivered: Secrets = {};

beforeAll(async () => {
  redis = await PrivateRedis.start();
});
afterAll(async () => {
  await redis.stop();
  const secrets = secretsOf(sandbox.info);
  expect(capture.leaks(secrets)).toEqual([]);
  // In the processes' output only: these tests kill the bot mid-delivery on purpose, and results
  // read back mid-test are not delivered yet, so Redis may rightly still hold them (secrets.test.ts
  // and every pipelinePerTest file check Redis after delivery).
  expect(capture.leaks(delivered, { except: ["chat", "results-queue"] })).toEqual([]);
});

beforeEach(async () => {
  sandbox = await startSandbox({ world: faultsWorld(), rateLimits: false });
  prefix = `faults-${randomUUID()}`;
  env = productEnv(sandbox.info, { redisUrl: redis.url, prefix, ownerIds: [WHO.oscar] });
  queues = new CallQueues(redis.url, prefix, capture);
  inspector = new Redis(redis.url, { maxRetriesPerRequest: null });
});
afterEach(async () => {
  await Promise.allSettled(processes.splice(0).map((p) => p.dispose()));
  delivered = { ...delivered, ...deliveredSecretsOf(sandbox.world) };
  await queues.close({ deleteKeys: true });
  inspector.disconnect();
  await sandbox.close();
});

async function bot(): Promise<ServiceProcess> {
  const started = await startBotProcess(env.bot, capture);
  processes.push(started);
  return started;
}
async function worker(): Promise<ServiceProcess> {
  const started = await startWorkerProcess(env.worker, capture);
  processes.push(started);
  return started;
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
  expect(ack.text).toContain("Queued");
  return { sent, ack };
}

function mtprotoCount(method: string): number {
  return sandbox.counters().mtproto[method] ?? 0;
}

/** SIGKILL the worker, let its locks lapse and BullMQ's stalled check run, until the job is waiting again. */
async function killWorkerAndRecover(victim: ServiceProcess, jobId: string): Promise<void> {
  const exit = await victim.kill();
  expect(exit.signal).toBe("SIGKILL");
  await lapseDeadWorkerLocks(inspector, prefix);
  const checker = await startStalledChecker(inspector, prefix);
  try {
    await waitFor(
      async () => ((await queues.calls.getJobState(jobId)) === "waiting" ? true : undefined),
      `job ${jobId} back in the queue after the kill`,
    );
  } finally {
    await checker.stop();
  }
}

/** What the requester saw on the ack message: every version of its text, oldest first. */
function versionsOf(ack: WorldMessage): string[] {
  const now = sandbox.world.getMessage(ack.chatId, ack.id);
  return now ? [...now.editHistory, now.text ?? ""] : [];
}

describe("1: the worker is SIGKILLed mid-job", () => {
  it.each([
    // Telegram never carried out the first create: the retry sends it again.
    ["while createGroupCall is in flight (Telegram never saw it finish)", "phone.createGroupCall", 2],
    // The retry reads the chat's call, finds the one its first attempt made, and reports it
    // without a second create (which, depending on Telegram's random_id rule, could replace it).
    ["after Telegram created the call, while the invite link is fetched", "phone.exportGroupCallInvite", 1],
  ])("%s: retried with the same random_id, one call, one report", async (_case, slowMethod, creates) => {
    let [, first] = await Promise.all([bot(), worker()]);
    // The request hangs in Telegram long enough for the kill to land while it is in flight.
    sandbox.faults.mtproto({ method: slowMethod, action: { kind: "delay", ms: 120_000 }, times: 1 });
    const { sent, ack } = await newcall(WHO.olga, WHO.community, "/newcall Standup");
    const jobId = `newcall_${WHO.community}_${sent.id}`;
    await waitFor(() => (mtprotoCount(slowMethod) === 1 ? true : undefined), `${slowMethod} in flight`);

    await killWorkerAndRecover(first, jobId);
    first = await worker();
    const text = (
      await sandbox.waitForEdit(WHO.community, ack.id, (m) => /live now|could not/.test(m.text ?? ""), {
        timeoutMs: 30_000,
      })
    ).text;
    expect(text).toMatch(/“Standup” is live now in «Demo Community»/);

    const calls = sandbox.calls(WHO.community);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.randomId).toBe(randomIdFromKey(jobId));
    expect(mtprotoCount("phone.createGroupCall")).toBe(creates);
    // Exactly one report: one final result message, and the ack edited once (queued -> live).
    const finals = (await queues.resultMessages()).filter(
      (m) => m.kind === "create-call" && m.request.requestId === jobId && m.outcome.status !== "delayed",
    );
    expect(finals).toHaveLength(1);
    expect(versionsOf(ack)).toHaveLength(2);
    expect(sandbox.botMessages(WHO.community).filter((m) => m.replyToMessageId === sent.id)).toHaveLength(1);
  });
});

describe("2: the worker is SIGKILLed twice on the same job", () => {
  it("the job fails as stalled, and the requester is told so, once", async () => {
    let [, current] = await Promise.all([bot(), worker()]);
    sandbox.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hang" }, times: 2 });
    const { sent, ack } = await newcall(WHO.olga, WHO.community, "/newcall Doomed");
    const jobId = `newcall_${WHO.community}_${sent.id}`;

    for (const inFlight of [1, 2]) {
      await waitFor(
        () => (mtprotoCount("phone.createGroupCall") === inFlight ? true : undefined),
        `attempt ${inFlight} in flight`,
      );
      await killWorkerAndRecover(current, jobId);
      current = await worker();
    }

    const expected = describeTelegramError("STALLED", {
      chatTitle: "Demo Community",
      chatUsername: "demo_community",
      userbotName: "@callbot_assistant",
    }).userMessage;
    const edited = await sandbox.waitForEdit(WHO.community, ack.id, (m) => /could not/.test(m.text ?? ""), {
      timeoutMs: 30_000,
    });
    expect(edited.text).toContain("interrupted twice");
    expect(edited.text).toContain(expected.slice(0, 40));
    expect(await queues.calls.getJobState(jobId)).toBe("failed");
    // The third worker did not run it: no third createGroupCall, no call.
    expect(mtprotoCount("phone.createGroupCall")).toBe(2);
    expect(sandbox.calls(WHO.community)).toEqual([]);
    expect(versionsOf(ack)).toHaveLength(2);
  });
});

describe("7: the bot is down (SIGKILL) while the worker finishes", () => {
  it("the report reaches the requester once the bot is started again", async () => {
    const [firstBot] = await Promise.all([bot(), worker()]);
    sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "delay", ms: 1_500 },
      times: 1,
    });
    const { ack } = await newcall(WHO.olga, WHO.community, "/newcall Night shift");
    // The bot answers "queued" before it adds the job; kill it once the job is in Redis.
    await waitFor(async () => ((await queues.callJobs()).length === 1 ? true : undefined), "the job queued");
    await firstBot.kill();

    // The worker carries on without the bot: the call appears in Telegram, nobody tells the user yet.
    await waitFor(() => (sandbox.calls(WHO.community).length === 1 ? true : undefined), "the call");
    const result = await waitFor(async () => {
      const messages = await queues.resultMessages();
      return messages.length > 0 ? messages : undefined;
    }, "the worker's result");
    expect(result).toHaveLength(1);
    expect(versionsOf(ack)).toHaveLength(1);

    await bot();
    const edited = await sandbox.waitForEdit(WHO.community, ack.id, (m) => /live now/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });
    expect(edited.text).toMatch(/“Night shift” is live now in «Demo Community»/);
  });
});

describe("12: a second worker process on the same session", () => {
  it("refuses before it connects (the account lock in Redis) and exits non-zero; the first keeps serving", async () => {
    await Promise.all([bot(), worker()]);
    const connectionsBefore = sandbox.counters().mtproto;
    const second = new ServiceProcess("worker-2", ENTRY.worker, env.worker, capture);
    processes.push(second);
    const exit = await second.exited;
    expect(exit.code).not.toBe(0);
    expect(second.lines.join("\n")).toMatch(/Another worker is already using this Telegram account/);
    // Telegram never heard from the second process: not one request more, so no AUTH_KEY_DUPLICATED.
    expect(sandbox.counters().mtproto).toEqual(connectionsBefore);

    const { ack } = await newcall(WHO.olga, WHO.community, "/newcall Still here");
    await sandbox.waitForEdit(WHO.community, ack.id, (m) => /live now/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });
  });
});
