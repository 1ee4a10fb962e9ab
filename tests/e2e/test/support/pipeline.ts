import { randomUUID } from "node:crypto";
import { type BotLimits, type RunningBot, startBot } from "@callbot/bot";
import {
  type Sandbox,
  startSandbox,
  type WorldFixture,
  type WorldMessage,
  type WorldSettings,
} from "@callbot/sandbox";
import { type BotConfig, type DashboardConfig, QUEUE_NAMES, type WorkerConfig } from "@callbot/shared";
import { DEMO, deleteKeysWithPrefix, REDIS_URL } from "@callbot/test-support";
import { type CallWorker, type StartCallWorkerOptions, startCallWorker } from "@callbot/worker";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";

export interface Pipeline {
  sandbox: Sandbox;
  prefix: string;
  bot: RunningBot;
  worker: CallWorker;
  /** Sends as a user and returns the bot's first reply to that message. */
  ask(from: number, chatId: number, text: string): Promise<{ sent: WorldMessage; reply: WorldMessage }>;
  /** Waits until the bot's message is edited into something that matches. */
  outcome(reply: WorldMessage, matches: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves once the chat has `count` group calls in Telegram (the sandbox), whatever the bot says. */
  waitForCalls(chatId: number, count: number, timeoutMs?: number): Promise<void>;
  /** Jobs ever put on the calls queue under this test's prefix. */
  callJobCount(): Promise<number>;
  startBot(): Promise<RunningBot>;
  startWorker(overrides?: Partial<StartCallWorkerOptions>): CallWorker;
  /** Starts one more worker, logged in as another assistant account of the world (its session's username). */
  startAssistant(username: string, overrides?: Partial<StartCallWorkerOptions>): CallWorker;
  close(): Promise<void>;
}

export interface PipelineOptions {
  /** The sandbox's world; default the demo world. */
  world?: WorldFixture;
  ownerIds?: number[];
  worker?: Partial<StartCallWorkerOptions>;
  /** Undocumented Telegram behaviours (the sandbox's fidelity ledger); the documented defaults otherwise. */
  settings?: Partial<WorldSettings>;
  /** Serve /healthz, /readyz and /metrics from both processes on free ports (RunningBot.metricsPort, CallWorker.metricsPort()). */
  metrics?: boolean;
  /** Serve the bot's queue dashboard (RunningBot.dashboardPort); port 0 picks a free one. */
  dashboard?: DashboardConfig;
  /** The bot's and the worker's clock (unix ms); a test moves it with the world's clockOffsetMs. */
  now?: () => number;
  /** The bot's limits (bot-limits.ts) over the defaults. */
  botLimits?: Partial<BotLimits>;
}

/** The sandbox, a real Redis under a fresh prefix, the worker and the bot: the product as deployed. */
export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const sandbox = await startSandbox({
    rateLimits: false,
    ...(options.world !== undefined && { world: options.world }),
    ...(options.settings !== undefined && { settings: options.settings }),
  });
  const prefix = `e2e-${randomUUID()}`;
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const session = sandbox.info.sessions.callbot_assistant;
  if (!session) throw new Error("the demo world has no assistant session");

  const metricsListen = options.metrics ? { host: "127.0.0.1", port: 0 } : undefined;
  const workerConfig: WorkerConfig = {
    kind: "worker",
    tgApiId: sandbox.info.apiId,
    tgApiHash: sandbox.info.apiHash,
    tgSession: session,
    tgSessionFile: undefined,
    tgDc: sandbox.info.mtproto,
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    logLevel: "silent",
    allowRedisEviction: false,
    production: false,
    metricsListen,
  };
  const botConfig: BotConfig = {
    kind: "bot",
    botToken: sandbox.info.botToken,
    botApiRoot: sandbox.info.botApiRoot,
    ownerIds: options.ownerIds ?? [DEMO.olga],
    redisUrl: REDIS_URL,
    queuePrefix: prefix,
    defaultTimeZone: "Europe/Berlin",
    logLevel: "silent",
    allowRedisEviction: false,
    metricsListen,
    dashboard: options.dashboard,
  };

  const startWorker = (overrides: Partial<StartCallWorkerOptions> = {}) =>
    startCallWorker({
      config: workerConfig,
      logger,
      prefix,
      ...(options.now !== undefined && { now: options.now }),
      ...options.worker,
      ...overrides,
    });
  const launchBot = () =>
    startBot({
      config: botConfig,
      logger,
      prefix,
      stopStepTimeoutMs: 2_000,
      ...(options.now !== undefined && { clock: { now: options.now } }),
      ...(options.botLimits !== undefined && { limits: options.botLimits }),
    });

  const assistants: CallWorker[] = [];
  const startAssistant = (username: string, overrides: Partial<StartCallWorkerOptions> = {}) => {
    const tgSession = sandbox.info.sessions[username];
    if (!tgSession) throw new Error(`the world has no assistant ${username}`);
    const started = startWorker({ config: { ...workerConfig, tgSession }, ...overrides });
    assistants.push(started);
    return started;
  };
  let worker = startWorker();
  await worker.ready;
  let bot = await launchBot();
  const inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix });

  return {
    sandbox,
    prefix,
    get bot() {
      return bot;
    },
    get worker() {
      return worker;
    },
    async ask(from, chatId, text) {
      const sent = await sandbox.sendText({ from, chatId, text });
      const reply = await sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
      return { sent, reply };
    },
    async outcome(reply, matches, timeoutMs = 10_000) {
      const edited = await sandbox.waitForEdit(reply.chatId, reply.id, (m) => matches.test(m.text ?? ""), {
        timeoutMs,
      });
      return edited.text ?? "";
    },
    waitForCalls(chatId, count, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (sandbox.calls(chatId).length < count) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`chat ${chatId} did not get ${count} call(s) within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          sandbox.world.off("groupCall", check);
        };
        sandbox.world.on("groupCall", check);
        check();
      });
    },
    async callJobCount() {
      const counts = await calls.getJobCounts();
      return Object.values(counts).reduce((sum, n) => sum + n, 0);
    },
    async startBot() {
      bot = await launchBot();
      return bot;
    },
    startWorker(overrides) {
      worker = startWorker(overrides);
      return worker;
    },
    startAssistant,
    async close() {
      await Promise.allSettled([bot.stop(), worker.stop(), ...assistants.map((a) => a.stop())]);
      await calls.close();
      await deleteKeysWithPrefix(inspector, prefix);
      await inspector.quit();
      await sandbox.close();
    },
  };
}
