import { loadavg } from "node:os";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { freePort } from "@callbot/shared";
import { type ServiceProcess, startServiceProcess } from "../processes/service-process.ts";
import { type ClaimedDatabase, claimEmptyDatabase } from "../redis/claim-empty-database.ts";
import { BOT_MAIN, bundleApps, childEnv, type ProgressLog, REPO_ROOT, WORKER_MAIN } from "../run-bench.ts";
import { type BenchWorld, buildBenchWorld } from "../world/bench-world.ts";
import { startRoundRobinProxy } from "./round-robin-proxy.ts";

export interface BotReplicasOptions {
  redisUrl: string;
  /** Chats (one /newcall each) per run. @defaultValue 5000 */
  chats: number;
  logLevel: string;
}

export interface BotReplicasRun {
  replicas: number;
  requests: number;
  /** First /newcall sent -> the last one answered ("Queued") by the bot. */
  seconds: number;
  answeredPerSecond: number;
  /** answeredPerSecond over the one-replica run's. */
  ratio: number;
  /** Updates each replica was given by the load balancer. */
  perReplica: number[];
  loadAvg: { before: number; after: number };
}

export interface BotReplicasResult {
  startedAt: string;
  options: Omit<BotReplicasOptions, "redisUrl">;
  runs: BotReplicasRun[];
}

const SECRET = "bench-webhook-secret-0123456789";

/**
 * The bot's scale-out: 1, then 2 bot processes (production bundles) in webhook mode behind a
 * round-robin proxy that the sandbox delivers to (up to 40 POSTs at once, as Telegram), one worker.
 * Each run sends one /newcall into each of `chats` chats at once and measures how fast the bots
 * answer them: the bot's own work (rights, ledger, queueing, the reply), not the worker's.
 */
export async function runBotReplicas(
  options: BotReplicasOptions,
  log: ProgressLog,
): Promise<BotReplicasResult> {
  const startedAt = new Date().toISOString();
  bundleApps(["apps/bot", "apps/worker"]);
  const runsOf = [1, 2];
  const world = buildBenchWorld({
    privateChats: options.chats * runsOf.length,
    publicChats: 0,
    chatsPerOwner: 1,
  });
  const database = await claimEmptyDatabase(options.redisUrl);
  let sandbox: Sandbox | undefined;
  try {
    sandbox = await startSandbox({ world: world.fixture, rateLimits: false });
    const runs: BotReplicasRun[] = [];
    for (const [i, replicas] of runsOf.entries()) {
      const seats = world.privateSeats.slice(i * options.chats, (i + 1) * options.chats);
      const run = await driveReplicas({ sandbox, world, database, options, log }, replicas, seats);
      const ratio = runs[0] === undefined ? 1 : run.answeredPerSecond / runs[0].answeredPerSecond;
      runs.push({ ...run, ratio: Math.round(ratio * 100) / 100 });
      log(`${replicas} bot replica(s): ${run.answeredPerSecond} answered/s (${runs.at(-1)?.ratio}x one)`);
    }
    const { redisUrl: _hidden, ...shown } = options;
    return { startedAt, options: shown, runs };
  } finally {
    await sandbox?.close();
    await database.release();
  }
}

interface Context {
  sandbox: Sandbox;
  world: BenchWorld;
  database: ClaimedDatabase;
  options: BotReplicasOptions;
  log: ProgressLog;
}

async function driveReplicas(
  context: Context,
  replicas: number,
  seats: BenchWorld["privateSeats"],
): Promise<Omit<BotReplicasRun, "ratio">> {
  const { sandbox, world, database, options } = context;
  const prefix = `bots${replicas}`;
  const proxy = await startRoundRobinProxy();
  const processes: ServiceProcess[] = [];
  const base = {
    ...childEnv(),
    REDIS_URL: database.url,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: options.logLevel,
  };
  try {
    const session = sandbox.info.sessions[world.assistantUsername];
    if (!session) throw new Error("the bench world has no assistant session");
    processes.push(
      await startServiceProcess({
        name: "worker",
        script: WORKER_MAIN,
        cwd: REPO_ROOT,
        env: {
          ...base,
          TG_API_ID: String(sandbox.info.apiId),
          TG_API_HASH: sandbox.info.apiHash,
          TG_SESSION: session,
          TG_DC: `${sandbox.info.mtproto.host}:${sandbox.info.mtproto.port}`,
        },
        readyMessage: /^taking .*jobs$/,
      }),
    );
    for (let replica = 0; replica < replicas; replica++) {
      const port = await freePort();
      processes.push(
        await startServiceProcess({
          name: `bot ${replica + 1}`,
          script: BOT_MAIN,
          cwd: REPO_ROOT,
          env: {
            ...base,
            BOT_TOKEN: sandbox.info.botToken,
            BOT_API_ROOT: sandbox.info.botApiRoot,
            OWNER_IDS: String(world.operatorId),
            WEBHOOK_URL: proxy.url("/tg"),
            WEBHOOK_SECRET: SECRET,
            WEBHOOK_LISTEN: `127.0.0.1:${port}`,
          },
          readyMessage: /^bot started$/,
        }),
      );
      proxy.add(port);
    }
    const loadBefore = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    const started = Date.now();
    const sent = await Promise.all(
      seats.map((seat, i) =>
        sandbox.sendText({ from: seat.ownerId, chatId: seat.chatId, text: `/newcall Replicas ${i}` }),
      ),
    );
    await Promise.all(
      sent.map((command) =>
        sandbox.waitForBotMessage(command.chatId, (m) => m.replyToMessageId === command.id, {
          timeoutMs: 600_000,
        }),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const info = (await (
      await fetch(`${sandbox.info.botApiRoot}/bot${sandbox.info.botToken}/getWebhookInfo`)
    ).json()) as {
      result: { last_error_message?: string };
    };
    if (info.result.last_error_message)
      context.log(`webhook: last delivery error "${info.result.last_error_message}"`);
    return {
      replicas,
      requests: seats.length,
      seconds: Math.round(seconds * 10) / 10,
      answeredPerSecond: Math.round((seats.length / seconds) * 10) / 10,
      perReplica: [...proxy.served.values()],
      loadAvg: { before: loadBefore, after: Math.round((loadavg()[0] ?? 0) * 10) / 10 },
    };
  } finally {
    await Promise.allSettled(processes.map((p) => p.stop()));
    await proxy.close();
  }
}

/** The bot replicas' results as the Markdown table checked in beside the JSON. */
export function renderBotReplicas(result: BotReplicasResult): string {
  return [
    `# Scale-out: bot replicas (${result.startedAt})`,
    "",
    `${result.options.chats} chats per run, one /newcall each, sent at once; the bot processes (production bundles) run in webhook mode behind a round-robin proxy, the sandbox POSTs up to 40 updates at once (as Telegram), one worker. Measured: the bots' answers ("Queued"), i.e. the bot's own work. Load average (1 min) per run: above 2 the 2-core machine was busy, and replicas on one 2-core machine share its cores with the worker, the sandbox and the driver.`,
    "",
    "| bot replicas | requests | seconds | answered/s | vs one replica | updates per replica | load before → after |",
    "| ------------ | -------- | ------- | ---------- | -------------- | ------------------- | ------------------- |",
    ...result.runs.map(
      (r) =>
        `| ${r.replicas} | ${r.requests} | ${r.seconds} | ${r.answeredPerSecond} | ${r.ratio}x | ${r.perReplica.join(", ")} | ${r.loadAvg.before} → ${r.loadAvg.after} |`,
    ),
    "",
  ].join("\n");
}
