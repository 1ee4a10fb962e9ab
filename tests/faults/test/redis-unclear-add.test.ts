import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox, type WorldMessage } from "@callbot/sandbox";
import { QUEUE_NAMES } from "@callbot/shared";
import { PrivateRedis, ReplyLosingProxy, waitFor } from "@callbot/test-support";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { CallQueues } from "./support/call-queues.ts";
import { productEnv, startBotProcess, startWorkerProcess } from "./support/deployment.ts";
import { faultsWorld, roomId, WHO } from "./support/faults-world.ts";
import { OutputCapture, secretsOf } from "./support/output-capture.ts";
import type { ServiceProcess } from "./support/service-process.ts";

/**
 * A /newcall whose job add ends unclearly while Redis is away (README, "A job add cut off by the
 * failover"; apps/bot README, "/newcall" step 4), through the real bot and worker processes: the
 * bot reaches a private redis-server through a proxy that loses the add's answer (Redis applied
 * it) or the add itself (Redis never saw it), then Redis is SIGKILLed. The requester reads that
 * the bot cannot tell yet; once Redis is back the same message says what really happened: the
 * call, created once, or "Nothing was queued" and no call. The follow-up survives a bot killed
 * during the outage: the request written ahead in Redis carries that message, and the next
 * start's recovery finishes it.
 */
const capture = new OutputCapture();
const UNCLEAR = roomId(2);
const CANNOT_TELL = /cannot tell yet whether it was queued/;
const NOTHING_QUEUED = /Nothing was queued/;
const LIVE = /live now/;

let sandbox: Sandbox;
let redis: PrivateRedis | undefined;
let proxy: ReplyLosingProxy | undefined;
let queues: CallQueues | undefined;
const processes: ServiceProcess[] = [];

beforeEach(async () => {
  sandbox = await startSandbox({ world: faultsWorld({ rooms: 2 }), rateLimits: false });
});
afterEach(async () => {
  await Promise.allSettled(processes.splice(0).map((p) => p.dispose()));
  await queues?.close();
  queues = undefined;
  await proxy?.close();
  proxy = undefined;
  await redis?.stop();
  redis = undefined;
  await sandbox.close();
});
afterAll(() => {
  expect(capture.leaks(secretsOf(sandbox.info))).toEqual([]);
});

/** The bot on Redis through the proxy; the worker (started later) and the test straight on Redis. */
async function deploy() {
  redis = await PrivateRedis.start();
  proxy = await ReplyLosingProxy.start(redis.port);
  const prefix = `faults-${randomUUID()}`;
  queues = new CallQueues(redis.url, prefix, capture);
  const env = productEnv(sandbox.info, {
    redisUrl: `redis://127.0.0.1:${proxy.port}`,
    prefix,
    ownerIds: [WHO.oscar],
  });
  const bot = await startBotProcess(env.bot, capture);
  processes.push(bot);
  // One request first: it loads BullMQ's scripts into Redis, so that the add below is one EVALSHA
  // that Redis runs (a first EVALSHA is answered NOSCRIPT and sent again as EVAL).
  const warm = await sandbox.sendText({ from: WHO.olga, chatId: roomId(1), text: "/newcall Warm" });
  await waitFor(
    async () => ((await queues?.calls.getJob(`newcall_${roomId(1)}_${warm.id}`)) ? true : undefined),
    "the warm-up job in Redis",
  );
  return { bot, env: { bot: env.bot, worker: { ...env.worker, REDIS_URL: redis.url } } };
}

/** The markers of the add of a /newcall in `chatId`: its job id and the queue's wait list. */
const addOf = (chatId: number) => [`newcall_${chatId}_`, `:${QUEUE_NAMES.calls}:wait`];

/**
 * Sends /newcall in the unclear room with the proxy's trap set; once the add was sent, Redis is
 * SIGKILLed (`applied`: after it has the job). Resolves with the answer once it says it cannot
 * tell yet.
 */
async function unclearNewCall(applied: boolean): Promise<{ sent: WorldMessage; answer: WorldMessage }> {
  const trapped = applied ? proxy!.loseRepliesAfter(addOf(UNCLEAR)) : proxy!.loseCommandsFrom(addOf(UNCLEAR));
  const sent = await sandbox.sendText({ from: WHO.olga, chatId: UNCLEAR, text: "/newcall Unclear" });
  await trapped;
  if (applied)
    await waitFor(
      async () => ((await queues!.calls.getJob(jobIdOf(sent))) ? true : undefined),
      "the job in Redis (appended and fsynced)",
    );
  else expect(await queues!.calls.getJob(jobIdOf(sent))).toBeUndefined();
  await redis!.kill();
  const answer = await sandbox.waitForBotMessage(UNCLEAR, (m) => m.replyToMessageId === sent.id);
  const unsure = await sandbox.waitForEdit(UNCLEAR, answer.id, (m) => CANNOT_TELL.test(m.text ?? ""), {
    timeoutMs: 30_000,
  });
  expect(unsure.text).toContain("Please do not send it again: I will update this message once I know");
  return { sent, answer };
}

const jobIdOf = (sent: WorldMessage) => `newcall_${UNCLEAR}_${sent.id}`;

/** The bot's messages that answer this command. */
const answersTo = (sent: WorldMessage) =>
  sandbox.world.messages(UNCLEAR).filter((m) => m.fromUserId === WHO.bot && m.replyToMessageId === sent.id);

/** Every text the answer ever showed, oldest first. */
function everSaid(answer: WorldMessage): string[] {
  const now = sandbox.world.getMessage(answer.chatId, answer.id);
  return [...(now?.editHistory ?? []), now?.text ?? ""];
}

/** The answer, once edited to `matches`; then the call count is read, and every text it showed. */
async function settled(answer: WorldMessage, matches: RegExp) {
  await sandbox.waitForEdit(UNCLEAR, answer.id, (m) => matches.test(m.text ?? ""), { timeoutMs: 45_000 });
  return everSaid(answer);
}

/** Once the call exists: exactly one, announced in the answer the user was told to wait on, never "Nothing was queued". */
async function reportedOnce(sent: WorldMessage, answer: WorldMessage) {
  const said = await settled(answer, LIVE);
  expect(sandbox.calls(UNCLEAR)).toHaveLength(1);
  expect(said.filter((text) => NOTHING_QUEUED.test(text))).toEqual([]);
  expect(answersTo(sent)).toHaveLength(1);
}

describe("41: a /newcall whose job add ends unclearly while Redis is away", () => {
  it("Redis applied the add: 'cannot tell yet', then, Redis back, the same answer reports the call, created once", async () => {
    const { env } = await deploy();
    const { sent, answer } = await unclearNewCall(true);

    await redis!.restart();
    processes.push(await startWorkerProcess(env.worker, capture));
    await reportedOnce(sent, answer);
  });

  it("the add never reached Redis: 'cannot tell yet', then, Redis back, the add is sent again and the same answer reports the call, created once", async () => {
    const { env } = await deploy();
    const { sent, answer } = await unclearNewCall(false);

    // ioredis sends the commands a lost connection left unanswered again once Redis is back: the
    // add lands then (the job id is the request id, so never twice), and the look-up finds it.
    await redis!.restart();
    processes.push(await startWorkerProcess(env.worker, capture));
    await reportedOnce(sent, answer);
  });

  it("the bot is killed during the outage, Redis applied the add: the worker's result still edits that answer, one call", async () => {
    const { bot, env } = await deploy();
    const { sent, answer } = await unclearNewCall(true);
    await bot.kill();

    await redis!.restart();
    processes.push(await startBotProcess(env.bot, capture), await startWorkerProcess(env.worker, capture));
    await reportedOnce(sent, answer);
  });

  it("the bot is killed during the outage, the add never reached Redis: the next start queues the request written ahead, and that answer reports the call, once", async () => {
    const { bot, env } = await deploy();
    const { sent, answer } = await unclearNewCall(false);
    await bot.kill();

    await redis!.restart();
    // The written-ahead record names the answer: it was recorded before the add was sent.
    const written = await queues!.connection.hget(
      `${queues!.prefix}:bot:request:${jobIdOf(sent)}`,
      "request",
    );
    expect(JSON.parse(written ?? "{}").ack).toMatchObject({ chatId: UNCLEAR, messageId: answer.id });
    processes.push(await startBotProcess(env.bot, capture), await startWorkerProcess(env.worker, capture));
    await reportedOnce(sent, answer);
  });

  it("Redis goes away after the request was written ahead, before the add: never 'Nothing was queued' while the record could still be queued; Redis back, the same answer says it, and no call appears", async () => {
    const { bot, env } = await deploy();
    // The "Queued" answer takes 3 s to send; meanwhile Redis dies, after the ledger wrote the
    // request ahead (the first thing /newcall writes) and before the add.
    sandbox.faults.botApi({ method: "sendMessage", action: { kind: "slow", ms: 3_000 }, times: 1 });
    const sent = await sandbox.sendText({ from: WHO.olga, chatId: UNCLEAR, text: "/newcall Unclear" });
    const record = `${queues!.prefix}:bot:request:${jobIdOf(sent)}`;
    await waitFor(
      async () => ((await queues!.connection.exists(record)) === 1 ? true : undefined),
      "the record",
    );
    await redis!.kill();
    const answer = await sandbox.waitForBotMessage(UNCLEAR, (m) => m.replyToMessageId === sent.id);
    // The add failed, but the record is still there: the next start would queue it.
    await sandbox.waitForEdit(UNCLEAR, answer.id, (m) => CANNOT_TELL.test(m.text ?? ""), {
      timeoutMs: 30_000,
    });

    await redis!.restart();
    const said = await settled(answer, NOTHING_QUEUED);
    expect(said.filter((text) => NOTHING_QUEUED.test(text))).toHaveLength(1);
    // What was said holds after a restart: the next start's recovery queues nothing for it, and a
    // worker takes what is queued (the warm-up's call) and nothing more.
    await bot.kill();
    processes.push(await startBotProcess(env.bot, capture), await startWorkerProcess(env.worker, capture));
    await waitFor(() => (sandbox.calls(roomId(1)).length === 1 ? true : undefined), "the warm-up's call");
    await waitFor(async () => {
      const counts = await queues!.calls.getJobCounts("waiting", "active", "delayed", "prioritized");
      return Object.values(counts).every((n) => n === 0) ? true : undefined;
    }, "the calls queue drained");
    expect(sandbox.calls(UNCLEAR)).toEqual([]);
    expect(await queues!.calls.getJob(jobIdOf(sent))).toBeUndefined();
    expect(answersTo(sent)).toHaveLength(1);
  });
});
