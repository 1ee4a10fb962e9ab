import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BOT_NODE_FLAGS } from "@callbot/bot";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { type BareBotApiBaseline, measureBareBotApi } from "./baseline/bare-bot-api.ts";
import {
  type DirectCallsBaseline,
  measureDirectCreateGroupCall,
} from "./baseline/direct-create-group-call.ts";
import { NewCallTracker } from "./drive/newcall-tracker.ts";
import { type PhaseKind, type PhaseResult, phaseResult } from "./drive/phase-result.ts";
import { type DriveResult, driveAtFixedRate, driveAtMaxRate } from "./drive/send-newcalls.ts";
import { stageBreakdown } from "./drive/stage-breakdown.ts";
import type { BenchOptions, PhaseName } from "./options.ts";
import { type CpuParticipants, cpuPerRequest, snapshotCpu } from "./processes/cpu-time.ts";
import { type IdleCpu, measureIdleCpu } from "./processes/idle-cpu.ts";
import { type ServiceProcess, startServiceProcess } from "./processes/service-process.ts";
import { waitForChatCooldownsToLapse } from "./redis/bench-redis.ts";
import { type ClaimedDatabase, claimEmptyDatabase } from "./redis/claim-empty-database.ts";
import { type CpuProfileSummary, summariseCpuProfileDir } from "./report/summarise-cpu-profile.ts";
import { type SoakMemory, startRssSampler } from "./soak/rss-sampler.ts";
import { type BenchSeat, type BenchWorld, buildBenchWorld } from "./world/bench-world.ts";

export interface BenchResult {
  startedAt: string;
  durationS: number;
  /** loadAvg: the 1-minute load average before and after; other work on the machine skews every number. */
  machine: { cpus: number; cpuModel: string; node: string; loadAvg: { before: number; after: number } };
  options: Omit<BenchOptions, "redisUrl">;
  world: { owners: number; privateChats: number; publicChats: number };
  coldStartMs: { worker: number; bot: number };
  /** The node flags each process ran with: the deployed ones (BOT_NODE_FLAGS), then --node-flags and --profile's. */
  nodeFlags: { worker: string[]; bot: string[] };
  /** Log messages before ready, ms after spawn. */
  startupLog: { worker: Array<{ ms: number; msg: string }>; bot: Array<{ ms: number; msg: string }> };
  rssAtReadyBytes: { bot: number | undefined; worker: number | undefined };
  /** CPU ms per second with no traffic, before the first phase; undefined with --idle-s 0. */
  idleCpuMsPerSecond: IdleCpu | undefined;
  peakRssBytes: { bot: number | undefined; worker: number | undefined };
  /** After the last phase: what the memory target is about. */
  rssAtEndBytes: { bot: number | undefined; worker: number | undefined };
  /** The phases that ran (options.phases), each but the soak after its own cold-cache warm-up row. */
  phases: PhaseResult[];
  /** RSS every minute of the soak and its slope; undefined when the soak did not run. */
  soak: SoakMemory | undefined;
  /** With options.profileDir: where the bot's and the worker's CPU went over the whole run. */
  profile?: { bot: CpuProfileSummary | undefined; worker: CpuProfileSummary | undefined };
  baseline: {
    createGroupCall: DirectCallsBaseline;
    botApi: BareBotApiBaseline;
    /** One MTProto call plus two Bot API calls (the ack and the edit), at the baselines' p50. */
    newCallCostMs: number | undefined;
  };
}

/** The bot's and the worker's process entries: their production bundles, as deployed. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const BOT_MAIN = "apps/bot/dist/main.mjs";
export const WORKER_MAIN = "apps/worker/dist/main.mjs";
/**
 * Given to both processes as QUEUE_PREFIX. "bull" (BullMQ's default) because the worker's main
 * file has not always read QUEUE_PREFIX, and this value agrees either way; the run is kept apart
 * from everything else by a Redis database of its own.
 */
const QUEUE_PREFIX = "bull";
/** Enough direct createGroupCall round trips for steady percentiles, whatever the world's size. */
const BASELINE_MAX_CALLS = 2000;
/** The bot's per-chat cooldown is 10 s (DEFAULT_BOT_LIMITS); allow for slack. */
const COOLDOWN_WAIT_MS = 20_000;

export type ProgressLog = (line: string) => void;

/**
 * One benchmark run: a sandbox in this process, the bot and the worker as child processes
 * (their bundles, built first from apps/bot and apps/worker) on a Redis database of their own, then
 * the phases, then the baselines on the same sandbox. Everything started is stopped and the
 * database flushed, also on failure.
 */
export async function runBench(
  options: BenchOptions,
  log: ProgressLog = () => undefined,
): Promise<BenchResult> {
  const started = Date.now();
  const loadBefore = round1(loadavg()[0] ?? 0);
  bundleApps(["apps/bot", "apps/worker"]);
  const counts = phaseRequestCounts(options);
  const world = buildBenchWorld({
    privateChats: counts.low + counts.rate + counts.max + counts.soak,
    publicChats: counts.public,
    chatsPerOwner: options.chatsPerOwner,
  });
  const database = await claimEmptyDatabase(options.redisUrl);
  log(
    `Redis database ${database.db} claimed; ${world.fixture.chats.length} chats, ${world.fixture.users.length} users`,
  );
  let sandbox: Sandbox | undefined;
  const processes: ServiceProcess[] = [];
  let tracker: NewCallTracker | undefined;
  try {
    sandbox = await startSandbox({ world: world.fixture, rateLimits: false });
    const worker = await startWorker(sandbox, world, database, options);
    processes.push(worker);
    log(`worker ready in ${Math.round(worker.coldStartMs)} ms`);
    const bot = await startBotProcess(sandbox, world, database, options);
    processes.push(bot);
    log(`bot ready in ${Math.round(bot.coldStartMs)} ms`);

    tracker = new NewCallTracker(sandbox.world, sandbox.info.botId);
    const cpu = { bot: bot.pid, worker: worker.pid, redis: await localRedisPid(database) };
    let idleCpuMsPerSecond: IdleCpu | undefined;
    if (options.idleSeconds > 0) {
      log(`idle: ${options.idleSeconds} s with no traffic`);
      idleCpuMsPerSecond = await measureIdleCpu(cpu, options.idleSeconds);
    }
    const { phases, soak } = await runPhases(
      { sandbox, tracker, world, database, cpu, processes: { bot, worker }, options, log },
      counts,
    );
    const peakRssBytes = { bot: await bot.peakRssBytes(), worker: await worker.peakRssBytes() };
    const rssAtEndBytes = { bot: await bot.rssNowBytes(), worker: await worker.rssNowBytes() };
    await Promise.all(processes.map((p) => p.stop()));
    const profile =
      options.profileDir === undefined
        ? undefined
        : {
            bot: await summariseCpuProfileDir(join(options.profileDir, "bot")),
            worker: await summariseCpuProfileDir(join(options.profileDir, "worker")),
          };

    log("baselines: direct createGroupCall and bare Bot API round trips");
    const measuredSeats = [...world.privateSeats, ...world.publicSeats].slice(0, BASELINE_MAX_CALLS);
    discardCurrentCalls(sandbox, world, measuredSeats);
    const session = sandbox.info.sessions[world.baselineUsername];
    if (!session) throw new Error(`the sandbox issued no session for @${world.baselineUsername}`);
    const createGroupCall = await measureDirectCreateGroupCall(
      sandbox,
      session,
      measuredSeats.map((seat) => nativeId(seat.chatId)),
    );
    const botApi = await measureBareBotApi(sandbox, measuredSeats[0]!.chatId, options.botApiBaselineRequests);
    const mtprotoP50 = createGroupCall.roundTripMs?.p50;
    const botApiP50 = botApi.roundTripMs?.p50;

    const { redisUrl: _hidden, ...shownOptions } = options;
    return {
      startedAt: new Date(started).toISOString(),
      durationS: Math.round((Date.now() - started) / 100) / 10,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        node: process.version,
        loadAvg: { before: loadBefore, after: round1(loadavg()[0] ?? 0) },
      },
      options: shownOptions,
      world: {
        owners: world.fixture.users.length - 3,
        privateChats: world.privateSeats.length,
        publicChats: world.publicSeats.length,
      },
      coldStartMs: { worker: Math.round(worker.coldStartMs), bot: Math.round(bot.coldStartMs) },
      nodeFlags: { worker: workerNodeFlags(options), bot: botNodeFlags(options) },
      startupLog: { worker: worker.startupLog, bot: bot.startupLog },
      rssAtReadyBytes: { bot: bot.rssAtReadyBytes, worker: worker.rssAtReadyBytes },
      idleCpuMsPerSecond,
      peakRssBytes,
      rssAtEndBytes,
      phases,
      soak,
      ...(profile && { profile }),
      baseline: {
        createGroupCall,
        botApi,
        newCallCostMs:
          mtprotoP50 === undefined || botApiP50 === undefined
            ? undefined
            : Math.round((mtprotoP50 + 2 * botApiP50) * 10) / 10,
      },
    };
  } finally {
    tracker?.close();
    await Promise.allSettled(processes.map((p) => p.stop()));
    await sandbox?.close();
    await database.release();
  }
}

/** Requests each phase sends (0 for a phase not asked for); the soak sends one per chat. */
function phaseRequestCounts(options: BenchOptions): Record<PhaseName, number> {
  const on = (name: PhaseName, n: number) => (options.phases.includes(name) ? n : 0);
  return {
    low: on("low", options.lowRequests),
    rate: on("rate", options.fixedRateRequests),
    max: on("max", options.maxRateRequests),
    public: on("public", options.publicRequests),
    soak: on("soak", Math.ceil(options.soakRate * options.soakMinutes * 60)),
  };
}

interface PhaseContext {
  sandbox: Sandbox;
  tracker: NewCallTracker;
  world: BenchWorld;
  database: ClaimedDatabase;
  cpu: CpuParticipants;
  processes: { bot: ServiceProcess; worker: ServiceProcess };
  options: BenchOptions;
  log: ProgressLog;
}

async function runPhases(
  context: PhaseContext,
  counts: Record<PhaseName, number>,
): Promise<{ phases: PhaseResult[]; soak: SoakMemory | undefined }> {
  const { sandbox, tracker, world, database, cpu, options, log } = context;
  // Private seats in phase order; each phase takes the next slice.
  let next = 0;
  const take = (n: number) => {
    const slice = world.privateSeats.slice(next, next + n);
    next += n;
    return slice;
  };
  const seats = {
    low: take(counts.low),
    rate: take(counts.rate),
    max: take(counts.max),
    soak: take(counts.soak),
    public: world.publicSeats,
  };
  const phases: PhaseResult[] = [];

  const measure = async (name: string, kind: PhaseKind, drive: () => Promise<DriveResult>) => {
    sandbox.resetCounters();
    const loadStart = round1(loadavg()[0] ?? 0);
    const cpuBefore = await snapshotCpu(cpu);
    const driven = await drive();
    await tracker.waitUntilSettled(options.settleTimeoutMs);
    const cpuAfter = await snapshotCpu(cpu);
    const loadAvg = { start: loadStart, end: round1(loadavg()[0] ?? 0) };
    const counters = sandbox.counters();
    const stages = await stageBreakdown(database.redis, QUEUE_PREFIX, driven.requests);
    const cpuMs = cpuPerRequest(cpuBefore, cpuAfter, driven.requests.length);
    const result = phaseResult({ name, kind, loadAvg }, driven, counters, stages, cpuMs);
    phases.push(result);
    log(
      `${name}: ${result.created}/${result.requests} created, ${result.lost} lost, ` +
        `e2e p50 ${result.endToEndMs?.p50 ?? "-"} ms, ${result.throughputPerSecond}/s, load ${loadAvg.start} -> ${loadAvg.end}`,
    );
    return result;
  };

  /**
   * Each measured phase runs on chats of its own, warmed just before: one /newcall per chat
   * fills the bot's member cache (60 s) and the worker's peer cache, so the phase itself sees
   * the steady state. The warm-up's calls are then ended (one call per chat at a time) and the
   * bot's per-chat cooldowns left to lapse; the warm-ups are reported too, as cold-cache rows.
   */
  const warmThenMeasure = async (
    name: string,
    kind: PhaseName,
    phaseSeats: readonly BenchSeat[],
    drive: () => Promise<DriveResult>,
  ) => {
    if (phaseSeats.length === 0) return;
    log(`${name}: warming ${phaseSeats.length} chats`);
    await measure(`cold caches, before ${name}`, "warm-up", () =>
      driveAtMaxRate(sandbox, tracker, phaseSeats, options.maxInFlight),
    );
    discardCurrentCalls(sandbox, world, phaseSeats);
    await waitForChatCooldownsToLapse(database.redis, QUEUE_PREFIX, COOLDOWN_WAIT_MS);
    log(`${name}: ${phaseSeats.length} /newcall`);
    await measure(name, kind, drive);
  };

  await warmThenMeasure(`${options.lowRate}/s offered (low load), private chats`, "low", seats.low, () =>
    driveAtFixedRate(sandbox, tracker, seats.low, options.lowRate),
  );
  await warmThenMeasure(`${options.rate}/s offered, private chats`, "rate", seats.rate, () =>
    driveAtFixedRate(sandbox, tracker, seats.rate, options.rate),
  );
  await warmThenMeasure("maximum rate, private chats", "max", seats.max, () =>
    driveAtMaxRate(sandbox, tracker, seats.max, options.maxInFlight),
  );
  await warmThenMeasure(`${options.rate}/s offered, public chats`, "public", seats.public, () =>
    driveAtFixedRate(sandbox, tracker, seats.public, options.rate),
  );
  const soak = seats.soak.length === 0 ? undefined : await runSoak(context, seats.soak, measure);
  return { phases, soak };
}

/**
 * The soak: a steady rate for options.soakMinutes, every request into a chat not used before
 * (cold, as a growing deployment sees them), with the bot's and the worker's RSS sampled every
 * options.soakSampleSeconds. What it answers: does memory level off, or grow with the chats?
 */
async function runSoak(
  context: PhaseContext,
  seats: readonly BenchSeat[],
  measure: (name: string, kind: PhaseKind, drive: () => Promise<DriveResult>) => Promise<PhaseResult>,
): Promise<SoakMemory> {
  const { sandbox, tracker, options, log, processes } = context;
  const name = `soak: ${options.soakRate}/s for ${options.soakMinutes} min, ${seats.length} chats`;
  log(`${name}: RSS every ${options.soakSampleSeconds} s`);
  const sampler = startRssSampler(processes, options.soakSampleSeconds * 1000);
  try {
    await measure(name, "soak", () => driveAtFixedRate(sandbox, tracker, seats, options.soakRate));
  } catch (error) {
    await sampler.stop();
    throw error;
  }
  const memory = await sampler.stop();
  log(
    `${name}: RSS slope bot ${memory.slopeMbPerMinute.bot} MB/min, worker ${memory.slopeMbPerMinute.worker} MB/min`,
  );
  return memory;
}

async function startWorker(
  sandbox: Sandbox,
  world: BenchWorld,
  database: ClaimedDatabase,
  options: BenchOptions,
): Promise<ServiceProcess> {
  const session = sandbox.info.sessions[world.assistantUsername];
  if (!session) throw new Error(`the sandbox issued no session for @${world.assistantUsername}`);
  return startServiceProcess({
    name: "worker",
    script: WORKER_MAIN,
    cwd: REPO_ROOT,
    env: workerEnv(sandbox, session, {
      redisUrl: database.url,
      prefix: QUEUE_PREFIX,
      logLevel: options.logLevel,
    }),
    // "taking create-call jobs", later "taking call jobs": the worker's last start-up line.
    readyMessage: /^taking .*jobs$/,
    nodeFlags: workerNodeFlags(options),
  });
}

async function startBotProcess(
  sandbox: Sandbox,
  world: BenchWorld,
  database: ClaimedDatabase,
  options: BenchOptions,
): Promise<ServiceProcess> {
  return startServiceProcess({
    name: "bot",
    script: BOT_MAIN,
    cwd: REPO_ROOT,
    env: {
      ...childEnv(),
      BOT_TOKEN: sandbox.info.botToken,
      BOT_API_ROOT: sandbox.info.botApiRoot,
      OWNER_IDS: String(world.operatorId),
      REDIS_URL: database.url,
      QUEUE_PREFIX,
      LOG_LEVEL: options.logLevel,
    },
    readyMessage: /^bot started$/,
    nodeFlags: botNodeFlags(options),
  });
}

/**
 * The bot runs with the flags it is deployed with; --node-flags come after them, so that a run can
 * try other values (V8 takes a flag's last value), e.g. --node-flags="--max-semi-space-size=16"
 * for Node's default young generation.
 */
function botNodeFlags(options: BenchOptions): string[] {
  return [...BOT_NODE_FLAGS, ...nodeFlags(options, "bot")];
}

function workerNodeFlags(options: BenchOptions): string[] {
  return nodeFlags(options, "worker");
}

function nodeFlags(options: BenchOptions, name: string): string[] {
  if (options.profileDir === undefined) return options.nodeFlags;
  // One directory per process, so that each summary reads its own process's profile.
  return [...options.nodeFlags, "--cpu-prof", `--cpu-prof-dir=${join(options.profileDir, name)}`];
}

/** The parent's environment without anything that would configure the product differently. */
/** A worker process's environment against the sandbox: its session, the sandbox's DC, Redis and prefix. */
export function workerEnv(
  sandbox: Sandbox,
  session: string,
  where: { redisUrl: string; prefix: string; logLevel: string },
): NodeJS.ProcessEnv {
  return {
    ...childEnv(),
    TG_API_ID: String(sandbox.info.apiId),
    TG_API_HASH: sandbox.info.apiHash,
    TG_SESSION: session,
    TG_DC: `${sandbox.info.mtproto.host}:${sandbox.info.mtproto.port}`,
    REDIS_URL: where.redisUrl,
    QUEUE_PREFIX: where.prefix,
    LOG_LEVEL: where.logLevel,
  };
}

export function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["BOT_TOKEN", "TG_SESSION", "TG_SESSION_FILE", "QUEUE_PREFIX", "NODE_ENV"])
    delete env[name];
  return env;
}

/** Ends each seat's running call as the assistant would (the world, not a counted request). */
function discardCurrentCalls(sandbox: Sandbox, world: BenchWorld, seats: readonly BenchSeat[]): void {
  for (const seat of seats) {
    const call = sandbox.world.currentCall(nativeId(seat.chatId));
    if (call) sandbox.world.discardGroupCall(world.assistantId, call.id);
  }
}

/** Redis's pid if it runs on this machine (its CPU per /newcall is then measured too). */
async function localRedisPid(database: ClaimedDatabase): Promise<number | undefined> {
  const host = new URL(database.url).hostname;
  if (host !== "127.0.0.1" && host !== "localhost" && host !== "::1") return undefined;
  const info = await database.redis.info("server");
  const pid = /^process_id:(\d+)/m.exec(info)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function nativeId(botApiChatId: number): number {
  return -botApiChatId - 1_000_000_000_000;
}

/** Builds the production bundles the bench runs, so that it always measures the code as it is now. */
export function bundleApps(appDirs: string[]): void {
  for (const dir of appDirs) {
    const built = spawnSync(process.execPath, ["tools/build/bundle-app.mjs", dir], {
      cwd: REPO_ROOT,
      stdio: "inherit",
    });
    if (built.status !== 0) throw new Error(`could not bundle ${dir} (exit ${built.status})`);
  }
}
