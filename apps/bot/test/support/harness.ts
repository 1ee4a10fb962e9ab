import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { type CreateCallRequest, QUEUE_NAMES, type ResultsMessage } from "@callbot/shared";
import { deleteKeysWithPrefix, REDIS_URL, waitFor } from "@callbot/test-support";
import { type Job, Queue } from "bullmq";
import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { BotLimits } from "../../src/bot-limits.ts";
import type { Clock } from "../../src/clock.ts";
import { type RunningBot, startBot } from "../../src/start-bot.ts";

export interface HarnessOptions {
  ownerIds?: number[];
  limits?: Partial<BotLimits>;
  timeZone?: string;
  /** Redis the bot uses; default the shared test Redis. */
  redisUrl?: string;
  sandbox?: Sandbox;
  /** The bot's clock (times shown, times parsed); default the system clock. */
  clock?: Clock;
}

export interface Harness {
  sandbox: Sandbox;
  prefix: string;
  running: RunningBot;
  /** Updates the bot received, in order (for replay tests). */
  updates: Update[];
  /** Jobs on the calls queue (read with a separate connection). */
  callJobs(): Promise<CreateCallRequest[]>;
  /** Waits until the calls queue holds a job; returns every job on it. */
  waitForCallJobs(): Promise<CreateCallRequest[]>;
  /** The results queue (read with a separate connection). */
  resultsQueue: Queue<ResultsMessage>;
  /** Puts a message on the results queue as the worker would. */
  putResult(message: ResultsMessage): Promise<Job<ResultsMessage>>;
  /** Starts another bot instance on the same prefix and sandbox (after `running.stop()`). */
  restartBot(): Promise<RunningBot>;
  close(): Promise<void>;
}

/**
 * The sandbox (rate limits off), a real Redis with a unique prefix, and the bot started exactly
 * as main.ts starts it (long polling through @grammyjs/runner).
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const sandbox = options.sandbox ?? (await startSandbox({ rateLimits: false }));
  const prefix = `test-${randomUUID()}`;
  const updates: Update[] = [];
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const start = () =>
    startBot({
      config: {
        botToken: sandbox.info.botToken,
        botApiRoot: sandbox.info.botApiRoot,
        ownerIds: options.ownerIds ?? [9_999_999],
        defaultTimeZone: options.timeZone ?? "Europe/Berlin",
        redisUrl,
        allowRedisEviction: false,
      },
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" }),
      prefix,
      ...(options.limits !== undefined && { limits: options.limits }),
      ...(options.clock !== undefined && { clock: options.clock }),
      observeUpdate: (update) => updates.push(update),
      stopStepTimeoutMs: 2_000,
    });
  let running = await start();
  const inspector = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const calls = new Queue<CreateCallRequest>(QUEUE_NAMES.calls, { connection: inspector, prefix });
  const results = new Queue<ResultsMessage>(QUEUE_NAMES.results, { connection: inspector, prefix });
  // Tests that stop Redis on purpose expect connection errors here.
  for (const emitter of [inspector, calls, results]) emitter.on("error", () => undefined);
  const callJobs = async () => {
    const jobs = await calls.getJobs(["waiting", "active", "delayed", "completed", "failed", "prioritized"]);
    return jobs.map((job) => job.data);
  };

  return {
    sandbox,
    prefix,
    get running() {
      return running;
    },
    updates,
    callJobs,
    resultsQueue: results,
    async waitForCallJobs() {
      return waitFor(async () => {
        const jobs = await callJobs();
        return jobs.length > 0 ? jobs : undefined;
      }, "a job on the calls queue");
    },
    async putResult(message) {
      return results.add("result", message, { attempts: 3, backoff: { type: "fixed", delay: 200 } });
    },
    async restartBot() {
      running = await start();
      return running;
    },
    async close() {
      await running.stop();
      await calls.close();
      await results.close();
      await deleteKeysWithPrefix(inspector, prefix);
      await inspector.quit();
      if (!options.sandbox) await sandbox.close();
    },
  };
}
