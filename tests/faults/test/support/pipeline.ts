import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { type BotLimits, type Clock, type RunningBot, type StartBotOptions, startBot } from "@callbot/bot";
import { type Sandbox, startSandbox, type WorldFixture, type WorldMessage } from "@callbot/sandbox";
import { configSecrets, createLogger, loadBotConfig, loadWorkerConfig } from "@callbot/shared";
import { REDIS_URL } from "@callbot/test-support";
import { type CallWorker, type StartCallWorkerOptions, startCallWorker } from "@callbot/worker";
import type { Update } from "grammy/types";
import type { Logger } from "pino";
import { CallQueues } from "./call-queues.ts";
import { productEnv } from "./deployment.ts";
import { faultsWorld, WHO } from "./faults-world.ts";
import type { OutputCapture } from "./output-capture.ts";

/** The product's own logger (with its secret scrubbing), writing into the file's capture. */
export function capturedLogger(capture: OutputCapture, name: string, secrets: readonly string[]): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line) capture.add(name, line);
      done();
    },
  });
  return createLogger({ level: "debug", secrets, name, destination });
}

export interface PipelineOptions {
  capture: OutputCapture;
  world?: WorldFixture;
  redisUrl?: string;
  /** OWNER_IDS. @defaultValue [Oscar] (an operator in no chat, so chat owners are checked as owners) */
  ownerIds?: number[];
  botLimits?: Partial<BotLimits>;
  /** How the bot retries Bot API calls; default: production's. */
  botApiRetry?: StartBotOptions["botApiRetry"];
  /** First backoff of a failed call job; default: production's (2 s, doubling). */
  callJobBackoffMs?: number;
  botClock?: Clock;
  /** Sees every update the bot receives (to replay one). */
  observeUpdate?: (update: Update) => void;
  /** Options for the worker; false: no worker at start. */
  worker?: Partial<StartCallWorkerOptions> | false;
}

export interface Pipeline {
  sandbox: Sandbox;
  prefix: string;
  queues: CallQueues;
  bot: RunningBot;
  worker: CallWorker | undefined;
  /** Sends as a user and returns the bot's reply to that message. */
  ask(from: number, chatId: number, text: string): Promise<{ sent: WorldMessage; reply: WorldMessage }>;
  /** Waits until the bot's message is edited into text that matches. */
  outcome(reply: WorldMessage, matches: RegExp, timeoutMs?: number): Promise<string>;
  startWorker(overrides?: Partial<StartCallWorkerOptions>): Promise<CallWorker>;
  /**
   * Stops the bot and the workers (in-flight deliveries finish), runs `whenStopped` (to read what
   * Redis kept), then deletes the test's keys and closes the sandbox.
   */
  close(whenStopped?: () => Promise<unknown>): Promise<void>;
}

/**
 * The sandbox, the bot and the worker in this process, on a real Redis under a fresh prefix,
 * configured from the same environment variables main.ts reads, logging through the product's
 * logger into the capture.
 */
export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const { capture } = options;
  const sandbox = await startSandbox({ world: options.world ?? faultsWorld(), rateLimits: false });
  const prefix = `faults-${randomUUID()}`;
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const env = productEnv(sandbox.info, { redisUrl, prefix, ownerIds: options.ownerIds ?? [WHO.oscar] });
  const botConfig = loadBotConfig(env.bot);
  const workerConfig = loadWorkerConfig(env.worker);
  const botLogger = capturedLogger(capture, "bot", configSecrets(botConfig));
  const workerLogger = capturedLogger(capture, "worker", configSecrets(workerConfig));
  const queues = new CallQueues(redisUrl, prefix, capture);

  let worker: CallWorker | undefined;
  const workers: CallWorker[] = [];
  const launchWorker = async (overrides: Partial<StartCallWorkerOptions> = {}) => {
    const started = startCallWorker({
      config: workerConfig,
      logger: workerLogger,
      prefix,
      invokeTimeoutMs: 3_000,
      ...(options.worker || {}),
      ...overrides,
    });
    workers.push(started);
    worker = started;
    await started.ready;
    return started;
  };
  if (options.worker !== false) await launchWorker();
  const bot = await startBot({
    config: botConfig,
    logger: botLogger,
    prefix,
    stopStepTimeoutMs: 2_000,
    ...(options.botLimits && { limits: options.botLimits }),
    ...(options.botApiRetry && { botApiRetry: options.botApiRetry }),
    ...(options.callJobBackoffMs !== undefined && { callJobBackoffMs: options.callJobBackoffMs }),
    ...(options.botClock && { clock: options.botClock }),
    ...(options.observeUpdate && { observeUpdate: options.observeUpdate }),
  });

  return {
    sandbox,
    prefix,
    queues,
    bot,
    get worker() {
      return worker;
    },
    async ask(from, chatId, text) {
      const sent = await sandbox.sendText({ from, chatId, text });
      const reply = await sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id, {
        timeoutMs: 15_000,
      });
      return { sent, reply };
    },
    async outcome(reply, matches, timeoutMs = 20_000) {
      const edited = await sandbox.waitForEdit(reply.chatId, reply.id, (m) => matches.test(m.text ?? ""), {
        timeoutMs,
      });
      return edited.text ?? "";
    },
    startWorker: launchWorker,
    async close(whenStopped) {
      await Promise.allSettled([bot.stop(), ...workers.map((w) => w.stop())]);
      await whenStopped?.();
      await queues.close({ deleteKeys: true });
      await sandbox.close();
    },
  };
}
