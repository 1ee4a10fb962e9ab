import { loadavg } from "node:os";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import {
  accountCallsQueueName,
  addCallsJob,
  CALL_JOB_NAMES,
  type CallsQueue,
  type CreateCallRequest,
  QUEUE_NAMES,
  readAssistantRegistry,
  recordAssistantRights,
  writeOperators,
} from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type ServiceProcess, startServiceProcess } from "../processes/service-process.ts";
import { type ClaimedDatabase, claimEmptyDatabase } from "../redis/claim-empty-database.ts";
import { bundleApps, type ProgressLog, REPO_ROOT, WORKER_MAIN, workerEnv } from "../run-bench.ts";
import { buildScaleWorld, SCALE_ASSISTANTS, SCALE_OPERATOR_ID, type ScaleWorld } from "./scale-world.ts";

export interface ScaleOutOptions {
  redisUrl: string;
  /** Chats (and requests) of each run. @defaultValue 5000 */
  chats: number;
  /** Telegram's round trip, imitated by the sandbox on every MTProto request. @defaultValue 150 */
  rttMs: number;
  /** Requests queued before one account of two is killed. @defaultValue 1000 */
  failoverRequests: number;
  logLevel: string;
}

export interface ScaleRun {
  accounts: number;
  requests: number;
  seconds: number;
  perSecond: number;
  /** perSecond over the one-account run's. */
  ratio: number;
  /** Calls each account created, and its rate over the run. */
  perAccount: Array<{ accountId: number; calls: number; perSecond: number }>;
  loadAvg: { before: number; after: number };
}

export interface FailoverRun {
  requests: number;
  killedAccount: number;
  /** Jobs in the killed account's queue (waiting and running) when it was killed. */
  heldAtKill: number;
  /** Kill -> its registration lapsed (three missed heartbeats). */
  lapsedAfterMs: number;
  /** Kill -> its queue emptied into the survivor's (the next sweep after the lapse). */
  movedAfterMs: number;
  /** Kill -> every request answered. */
  allAnsweredAfterMs: number;
  /** Requests that got more than one call in their chat (must be 0). */
  secondCalls: number;
  loadAvg: { before: number; after: number };
}

export interface ScaleOutResult {
  startedAt: string;
  options: Omit<ScaleOutOptions, "redisUrl">;
  runs: ScaleRun[];
  failover: FailoverRun;
}

/**
 * The workers' scale-out: the same backlog of create-call requests (one per chat, queued at once
 * on the shared intake as the bot queues them) drained by 1, 2 and 3 worker processes, one per
 * assistant account, each eligible in every chat; then two accounts with a backlog, one of them
 * killed (SIGKILL), and how long its work takes to move and be answered. The sandbox imitates
 * Telegram's round trip on every request, since an account's own round trips are what more
 * accounts multiply.
 */
export async function runScaleOut(options: ScaleOutOptions, log: ProgressLog): Promise<ScaleOutResult> {
  const startedAt = new Date().toISOString();
  bundleApps(["apps/worker"]);
  // The failover gets chats of its own: a chat's earlier (ended) calls would look like second calls.
  const world = buildScaleWorld(options.chats + options.failoverRequests);
  const database = await claimEmptyDatabase(options.redisUrl);
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await startSandbox({ world: world.fixture, rateLimits: false });
    sandbox.faults.mtproto({ method: "*", action: { kind: "delay", ms: options.rttMs } });
    const runs: ScaleRun[] = [];
    for (const accounts of [1, 2, 3]) {
      const run = await drainBacklog({ sandbox, world, database, options, log }, accounts);
      const ratio = runs[0] === undefined ? 1 : run.perSecond / runs[0].perSecond;
      runs.push({ ...run, ratio: round2(ratio) });
      log(`${accounts} account(s): ${run.perSecond}/s (${round2(ratio)}x one)`);
    }
    const failover = await killOne({ sandbox, world, database, options, log });
    log(
      `failover: moved ${failover.movedAfterMs} ms after the kill, all answered after ${failover.allAnsweredAfterMs} ms`,
    );
    const { redisUrl: _hidden, ...shown } = options;
    return { startedAt, options: shown, runs, failover };
  } finally {
    await sandbox?.close();
    await database.release();
  }
}

interface RunContext {
  sandbox: Sandbox;
  world: ScaleWorld;
  database: ClaimedDatabase;
  options: ScaleOutOptions;
  log: ProgressLog;
}

async function drainBacklog(context: RunContext, accounts: number): Promise<Omit<ScaleRun, "ratio">> {
  const { sandbox, world, database, options } = context;
  const prefix = `scale${accounts}`;
  const chatIds = world.chatIds.slice(0, options.chats);
  const workers = await startAccounts(context, prefix, accounts);
  try {
    await prepare(database.redis, prefix, chatIds, accounts);
    const loadBefore = round1(loadavg()[0] ?? 0);
    const started = Date.now();
    await queueRequests(database.redis, prefix, chatIds, `run${accounts}`);
    await waitForAnswers(database.redis, prefix, chatIds.length);
    const seconds = (Date.now() - started) / 1000;
    const perAccount = SCALE_ASSISTANTS.slice(0, accounts).map((a) => {
      const calls = chatIds.filter(
        (id) => sandbox.world.currentCall(nativeId(id))?.createdBy === a.id,
      ).length;
      return { accountId: a.id, calls, perSecond: round1(calls / seconds) };
    });
    discardCalls(sandbox, chatIds);
    return {
      accounts,
      requests: chatIds.length,
      seconds: round1(seconds),
      perSecond: round1(chatIds.length / seconds),
      perAccount,
      loadAvg: { before: loadBefore, after: round1(loadavg()[0] ?? 0) },
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
  }
}

async function killOne(context: RunContext): Promise<FailoverRun> {
  const { sandbox, world, database, options } = context;
  const prefix = "scalefailover";
  const chatIds = world.chatIds.slice(options.chats, options.chats + options.failoverRequests);
  const workers = await startAccounts(context, prefix, 2);
  const killed = SCALE_ASSISTANTS[0].id;
  try {
    await prepare(database.redis, prefix, chatIds, 2);
    const loadBefore = round1(loadavg()[0] ?? 0);
    const own = new Queue(accountCallsQueueName(killed), { connection: database.redis, prefix });
    await queueRequests(database.redis, prefix, chatIds, "failover");
    const held = () => own.getJobCounts("waiting", "active", "delayed", "prioritized");
    const total = async () => Object.values(await held()).reduce((sum, n) => sum + n, 0);
    // Killed once it holds a good share of the backlog, as a crash would find it.
    await until(
      async () => (await total()) >= Math.min(100, chatIds.length / 4),
      60_000,
      "work routed to the first account",
    );
    const heldAtKill = await total();
    const killedAt = Date.now();
    process.kill(workers[0]!.pid, "SIGKILL");
    let lapsedAt = 0;
    await until(
      async () => {
        if (!lapsedAt && (await readAssistantRegistry(database.redis, prefix)).lapsed.includes(killed))
          lapsedAt = Date.now();
        return (await total()) === 0;
      },
      120_000,
      "the killed account's queue to empty",
    );
    const movedAt = Date.now();
    await waitForAnswers(database.redis, prefix, chatIds.length);
    const answeredAt = Date.now();
    await own.close();
    const secondCalls = chatIds.filter((id) => sandbox.calls(id).length > 1).length;
    discardCalls(sandbox, chatIds);
    return {
      requests: chatIds.length,
      killedAccount: killed,
      heldAtKill,
      lapsedAfterMs: (lapsedAt || movedAt) - killedAt,
      movedAfterMs: movedAt - killedAt,
      allAnsweredAfterMs: answeredAt - killedAt,
      secondCalls,
      loadAvg: { before: loadBefore, after: round1(loadavg()[0] ?? 0) },
    };
  } finally {
    await Promise.allSettled(workers.map((w) => w.stop()));
  }
}

async function startAccounts(context: RunContext, prefix: string, count: number): Promise<ServiceProcess[]> {
  const { sandbox, database, options } = context;
  return Promise.all(
    SCALE_ASSISTANTS.slice(0, count).map((account) => {
      const session = sandbox.info.sessions[account.username];
      if (!session) throw new Error(`the sandbox issued no session for @${account.username}`);
      return startServiceProcess({
        name: `worker ${account.id}`,
        script: WORKER_MAIN,
        cwd: REPO_ROOT,
        env: workerEnv(sandbox, session, { redisUrl: database.url, prefix, logLevel: options.logLevel }),
        readyMessage: /^taking .*jobs$/,
      });
    }),
  );
}

/** What the bot would have done: the operators published, and each account's rights learnt. */
async function prepare(redis: Redis, prefix: string, chatIds: number[], accounts: number): Promise<void> {
  await writeOperators(redis, prefix, [SCALE_OPERATOR_ID], Date.now());
  if (accounts < 2) return;
  const facts = SCALE_ASSISTANTS.slice(0, accounts).map((a) => ({
    accountId: a.id,
    rights: "admin" as const,
  }));
  for (let i = 0; i < chatIds.length; i += 500) {
    await Promise.all(
      chatIds.slice(i, i + 500).map((id) => recordAssistantRights(redis, prefix, id, facts, Date.now())),
    );
  }
}

async function queueRequests(redis: Redis, prefix: string, chatIds: number[], tag: string): Promise<void> {
  const calls: CallsQueue = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix });
  try {
    for (let i = 0; i < chatIds.length; i += 500) {
      await Promise.all(
        chatIds.slice(i, i + 500).map((chatId, j) => {
          const messageId = i + j + 1;
          const request: CreateCallRequest = {
            v: 1,
            kind: "create-call",
            requestId: `${tag}_${-chatId}_${messageId}`,
            requester: { userId: SCALE_OPERATOR_ID, chatId: SCALE_OPERATOR_ID, messageId },
            target: { chatId, title: `Scale ${chatId}` },
            rtmp: false,
            timeZone: "UTC",
            requestedAt: Date.now(),
          };
          return addCallsJob(calls, CALL_JOB_NAMES.createCall, request);
        }),
      );
    }
  } finally {
    await calls.close();
  }
}

/** Every request answered: its final result waits on the results queue (no bot consumes it here). */
async function waitForAnswers(redis: Redis, prefix: string, count: number): Promise<void> {
  const results = new Queue(QUEUE_NAMES.results, { connection: redis, prefix });
  try {
    await until(async () => (await results.getWaitingCount()) >= count, 600_000, `${count} answers`);
  } finally {
    await results.close();
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`scale-out: gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function discardCalls(sandbox: Sandbox, chatIds: number[]): void {
  for (const id of chatIds) {
    const call = sandbox.world.currentCall(nativeId(id));
    if (call) sandbox.world.discardGroupCall(call.createdBy, call.id);
  }
}

function nativeId(botApiChatId: number): number {
  return -botApiChatId - 1_000_000_000_000;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
