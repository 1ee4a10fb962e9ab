import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { BOT_NODE_FLAGS } from "@callbot/bot";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { freePort } from "@callbot/shared";
import { NewCallTracker } from "../drive/newcall-tracker.ts";
import { readCpuMs } from "../processes/cpu-time.ts";
import { type ServiceProcess, startServiceProcess } from "../processes/service-process.ts";
import { type ClaimedDatabase, claimEmptyDatabase } from "../redis/claim-empty-database.ts";
import { BOT_MAIN, bundleApps, childEnv, type ProgressLog, REPO_ROOT, WORKER_MAIN } from "../run-bench.ts";
import { type LatencySummary, summariseLatencies } from "../stats/latency-summary.ts";
import { type BenchWorld, buildBenchWorld } from "../world/bench-world.ts";
import { startRoundRobinProxy } from "./round-robin-proxy.ts";

export interface BotReplicasOptions {
  redisUrl: string;
  /** Chats (one /newcall each) per run. @defaultValue 5000 */
  chats: number;
  /** WEBHOOK_MAX_CONNECTIONS of the replicas. @defaultValue 100 (the bot's default) */
  maxConnections: number;
  logLevel: string;
}

/** How the bot gets its updates in a run: long polling (one process, the reference) or webhook replicas. */
export type BotReplicasMode = { kind: "polling" } | { kind: "webhook"; replicas: number };

export interface BotReplicasRun {
  mode: BotReplicasMode;
  requests: number;
  /** Requests answered ("Queued" or a refusal) before the run gave up. */
  answered: number;
  /** First /newcall sent -> the last one answered. */
  seconds: number;
  answeredPerSecond: number;
  /** answeredPerSecond over the one-replica webhook run's. */
  ratio: number;
  /** answeredPerSecond over the long-polling run's, in the same invocation on the same machine. */
  vsPolling: number;
  /** Webhook: updates each replica was given (commands and the service messages of calls created meanwhile). */
  perReplica: number[];
  /** Webhook: updates delivered that were not the /newcall commands ("video chat started" and the like). */
  otherUpdates: number;
  /** Webhook: how long each POST took to be answered, as the load balancer saw it. */
  answerMs: LatencySummary | undefined;
  /** CPU ms per request of the bot processes (summed), the worker, and the bench's own (sandbox, proxy, driver). */
  cpuMsPerRequest: { bots: number | undefined; worker: number | undefined; sandboxAndBench: number };
  loadAvg: { before: number; after: number };
}

export interface BotReplicasResult {
  startedAt: string;
  cores: number;
  options: Omit<BotReplicasOptions, "redisUrl">;
  runs: BotReplicasRun[];
}

const SECRET = "bench-webhook-secret-0123456789";
/** The reference first, then the replicas; each run on a fresh sandbox and Redis prefix. */
const MODES: BotReplicasMode[] = [
  { kind: "polling" },
  { kind: "webhook", replicas: 1 },
  { kind: "webhook", replicas: 2 },
];

/**
 * The bot's scale-out: long polling (one process, the reference), then 1 and 2 bot processes
 * (production bundles) in webhook mode behind a round-robin proxy that the sandbox delivers to
 * (up to max_connections POSTs at once, as Telegram), one worker. Each run sends one /newcall
 * into each of `chats` chats at once and measures how fast the bots answer them: the bot's own
 * work (rights, ledger, chat lock, queueing, the reply), not the worker's.
 */
export async function runBotReplicas(
  options: BotReplicasOptions,
  log: ProgressLog,
): Promise<BotReplicasResult> {
  const startedAt = new Date().toISOString();
  bundleApps(["apps/bot", "apps/worker"]);
  const world = buildBenchWorld({ privateChats: options.chats, publicChats: 0, chatsPerOwner: 1 });
  const database = await claimEmptyDatabase(options.redisUrl);
  try {
    const runs: BotReplicasRun[] = [];
    for (const [i, mode] of MODES.entries()) {
      const run = await driveOneRun({ world, database, options, log }, mode, `bots${i}`);
      const polling = runs.find((r) => r.mode.kind === "polling")?.answeredPerSecond;
      const one = runs.find((r) => r.mode.kind === "webhook" && r.mode.replicas === 1)?.answeredPerSecond;
      const ratioTo = (base: number | undefined) =>
        base === undefined ? 1 : Math.round((run.answeredPerSecond / base) * 100) / 100;
      runs.push({ ...run, ratio: ratioTo(one), vsPolling: ratioTo(polling) });
      log(`${describeMode(mode)}: ${run.answeredPerSecond} answered/s (${runs.at(-1)?.vsPolling}x polling)`);
    }
    const { redisUrl: _hidden, ...shown } = options;
    return { startedAt, cores: cpus().length, options: shown, runs };
  } finally {
    await database.release();
  }
}

interface Context {
  world: BenchWorld;
  database: ClaimedDatabase;
  options: BotReplicasOptions;
  log: ProgressLog;
}

/** One run on a sandbox of its own, so that no update or call of an earlier run is still pending. */
async function driveOneRun(
  context: Context,
  mode: BotReplicasMode,
  prefix: string,
): Promise<Omit<BotReplicasRun, "ratio" | "vsPolling">> {
  const { world, database, options } = context;
  const sandbox = await startSandbox({ world: world.fixture, rateLimits: false });
  let otherUpdates = 0;
  const proxy = await startRoundRobinProxy({
    observe: (body) => {
      if (!body.includes('"/newcall')) otherUpdates += 1;
    },
  });
  const processes: ServiceProcess[] = [];
  const tracker = new NewCallTracker(sandbox.world, sandbox.info.botId);
  try {
    processes.push(await startWorker(sandbox, world, database, prefix, options));
    const replicas = mode.kind === "webhook" ? mode.replicas : 1;
    for (let replica = 0; replica < replicas; replica++) {
      const port = await freePort();
      // Before the bot sets the webhook: the first deliveries find their backend.
      if (mode.kind === "webhook") proxy.add(port);
      processes.push(
        await startBot(
          sandbox,
          world,
          { database, prefix, options, name: `bot ${replica + 1}` },
          {
            ...(mode.kind === "webhook" && {
              WEBHOOK_URL: proxy.url("/tg"),
              WEBHOOK_SECRET: SECRET,
              WEBHOOK_LISTEN: `127.0.0.1:${port}`,
              WEBHOOK_MAX_CONNECTIONS: String(options.maxConnections),
            }),
          },
        ),
      );
    }
    const [worker, ...bots] = processes;
    const cpuNow = async () => ({
      bots: await sumCpuMs(bots),
      worker: worker ? await readCpuMs(worker.pid) : undefined,
      own: ownCpuMs(),
    });
    const loadBefore = roundTenth(loadavg()[0] ?? 0);
    const cpuBefore = await cpuNow();
    const started = performance.now();
    const seats = world.privateSeats;
    const requests = [];
    for (const [i, seat] of seats.entries()) {
      const sentAt = performance.now();
      const message = await sandbox.sendText({
        from: seat.ownerId,
        chatId: seat.chatId,
        text: `/newcall Replicas ${i}`,
      });
      requests.push(tracker.track(seat, sentAt, message.id));
    }
    await tracker.waitUntilAcked(seats.length, ANSWER_TIMEOUT_MS);
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = await cpuNow();
    const perRequest = (before: number | undefined, after: number | undefined) =>
      before === undefined || after === undefined ? undefined : round2((after - before) / seats.length);
    const lastError = await lastWebhookError(sandbox);
    if (lastError) context.log(`${describeMode(mode)}: last webhook delivery error "${lastError}"`);
    if (proxy.failed.size > 0)
      context.log(
        `${describeMode(mode)}: the proxy answered 502 on ${JSON.stringify(Object.fromEntries(proxy.failed))}`,
      );
    return {
      mode,
      requests: seats.length,
      answered: requests.filter((r) => r.ackAt !== undefined).length,
      seconds: roundTenth(seconds),
      answeredPerSecond: roundTenth(seats.length / seconds),
      perReplica: [...proxy.served.values()],
      otherUpdates,
      answerMs: summariseLatencies(proxy.answerMs),
      cpuMsPerRequest: {
        bots: perRequest(cpuBefore.bots, cpuAfter.bots),
        worker: perRequest(cpuBefore.worker, cpuAfter.worker),
        sandboxAndBench: perRequest(cpuBefore.own, cpuAfter.own) ?? 0,
      },
      loadAvg: { before: loadBefore, after: roundTenth(loadavg()[0] ?? 0) },
    };
  } finally {
    tracker.close();
    await Promise.allSettled(processes.map((p) => p.stop()));
    await proxy.close();
    await sandbox.close();
  }
}

/** A run that has not had every /newcall answered by then reports the answered ones. */
const ANSWER_TIMEOUT_MS = 600_000;

interface StartOptions {
  database: ClaimedDatabase;
  prefix: string;
  options: BotReplicasOptions;
}

function baseEnv({ database, prefix, options }: StartOptions): NodeJS.ProcessEnv {
  return { ...childEnv(), REDIS_URL: database.url, QUEUE_PREFIX: prefix, LOG_LEVEL: options.logLevel };
}

async function startWorker(
  sandbox: Sandbox,
  world: BenchWorld,
  database: ClaimedDatabase,
  prefix: string,
  options: BotReplicasOptions,
): Promise<ServiceProcess> {
  const session = sandbox.info.sessions[world.assistantUsername];
  if (!session) throw new Error("the bench world has no assistant session");
  return startServiceProcess({
    name: "worker",
    script: WORKER_MAIN,
    cwd: REPO_ROOT,
    env: {
      ...baseEnv({ database, prefix, options }),
      TG_API_ID: String(sandbox.info.apiId),
      TG_API_HASH: sandbox.info.apiHash,
      TG_SESSION: session,
      TG_DC: `${sandbox.info.mtproto.host}:${sandbox.info.mtproto.port}`,
    },
    readyMessage: /^taking .*jobs$/,
  });
}

async function startBot(
  sandbox: Sandbox,
  world: BenchWorld,
  start: StartOptions & { name: string },
  modeEnv: NodeJS.ProcessEnv,
): Promise<ServiceProcess> {
  return startServiceProcess({
    name: start.name,
    script: BOT_MAIN,
    cwd: REPO_ROOT,
    env: {
      ...baseEnv(start),
      BOT_TOKEN: sandbox.info.botToken,
      BOT_API_ROOT: sandbox.info.botApiRoot,
      OWNER_IDS: String(world.operatorId),
      ...modeEnv,
    },
    readyMessage: /^bot started$/,
    // As deployed (apps/bot/src/node-flags.ts).
    nodeFlags: [...BOT_NODE_FLAGS],
  });
}

async function lastWebhookError(sandbox: Sandbox): Promise<string | undefined> {
  const response = await fetch(`${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/getWebhookInfo`);
  const info = (await response.json()) as { result: { last_error_message?: string } };
  return info.result.last_error_message;
}

async function sumCpuMs(processes: readonly ServiceProcess[]): Promise<number | undefined> {
  let sum = 0;
  for (const process of processes) {
    const ms = await readCpuMs(process.pid);
    if (ms === undefined) return undefined;
    sum += ms;
  }
  return sum;
}

function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function describeMode(mode: BotReplicasMode): string {
  return mode.kind === "polling"
    ? "long polling, 1 bot"
    : `webhook, ${mode.replicas} bot replica${mode.replicas === 1 ? "" : "s"}`;
}

function roundTenth(n: number): number {
  return Math.round(n * 10) / 10;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The bot replicas' results as the Markdown table checked in beside the JSON. */
export function renderBotReplicas(result: BotReplicasResult): string {
  const { chats, maxConnections } = result.options;
  const cpu = (ms: number | undefined) => (ms === undefined ? "-" : String(ms));
  return [
    `# Scale-out: bot replicas (${result.startedAt})`,
    "",
    `${chats} chats per run, one /newcall each, all sent at once, on ${result.cores} cores. Each run has a sandbox and a Redis prefix of its own, one worker, and the bot processes (production bundles): first one bot with long polling (the reference), then 1 and 2 replicas in webhook mode behind a round-robin proxy, with WEBHOOK_MAX_CONNECTIONS=${maxConnections} (the sandbox keeps that many POSTs open at once and sends the next on a connection once the previous is answered, as Telegram). Measured: the bots' answers ("Queued"), i.e. the bot's own work, from the first /newcall sent to the last answered. "Other updates" are the service messages ("video chat started") of the calls the worker created meanwhile, which Telegram delivers to the bot too. Load average (1 min) per run: above ${result.cores} the machine was busy with other work, and the replicas share its cores with the worker, the sandbox and the driver, so compare the ratios within one run of the bench and the CPU per request across runs.`,
    "",
    "| mode | requests | answered | seconds | answered/s | vs polling | vs one replica | updates per replica (other) | POST answered p50 / p99 ms | CPU ms per request: bots / worker / sandbox + bench | load before → after |",
    "| ---- | -------: | -------: | ------: | ---------: | ---------: | -------------: | --------------------------- | -------------------------: | --------------------------------------------------- | ------------------- |",
    ...result.runs.map((r) => {
      const webhook = r.mode.kind === "webhook";
      return `| ${describeMode(r.mode)} | ${r.requests} | ${r.answered} | ${r.seconds} | ${r.answeredPerSecond} | ${r.vsPolling}x | ${webhook ? `${r.ratio}x` : "-"} | ${webhook ? `${r.perReplica.join(", ")} (${r.otherUpdates})` : "-"} | ${r.answerMs ? `${r.answerMs.p50} / ${r.answerMs.p99}` : "-"} | ${cpu(r.cpuMsPerRequest.bots)} / ${cpu(r.cpuMsPerRequest.worker)} / ${r.cpuMsPerRequest.sandboxAndBench} | ${r.loadAvg.before} → ${r.loadAvg.after} |`;
    }),
    "",
  ].join("\n");
}
