import { randomUUID } from "node:crypto";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { type CreateCallRequest, QUEUE_NAMES, type ResultsMessage } from "@callbot/shared";
import { Queue } from "bullmq";
import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { pino } from "pino";
import type { BotLimits } from "../../src/bot-limits.ts";
import type { Clock } from "../../src/clock.ts";
import { type RunningBot, startBot } from "../../src/start-bot.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Demo world ids (packages/sandbox/README.md). */
export const DEMO = {
  olga: 1001, // owner of every demo chat
  adam: 1002, // admin with the video-chat right in Demo Community
  nina: 1003, // admin without the right in Demo Community
  max: 1004, // member of Demo Community
  sam: 1005, // in no demo chat
  userbot: 2001,
  community: -1001500000001,
  channel: -1001500000002,
  privateTeam: -1001500000003,
  oldGroup: -400000001,
} as const;

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
  /** Puts a message on the results queue as the worker would. */
  putResult(message: ResultsMessage): Promise<void>;
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

  return {
    sandbox,
    prefix,
    get running() {
      return running;
    },
    updates,
    async callJobs() {
      const jobs = await calls.getJobs([
        "waiting",
        "active",
        "delayed",
        "completed",
        "failed",
        "prioritized",
      ]);
      return jobs.map((job) => job.data);
    },
    async putResult(message) {
      await results.add("result", message, { attempts: 3, backoff: { type: "fixed", delay: 200 } });
    },
    async restartBot() {
      running = await start();
      return running;
    },
    async close() {
      await running.stop();
      await calls.close();
      await results.close();
      await deleteKeys(inspector, prefix);
      await inspector.quit();
      if (!options.sandbox) await sandbox.close();
    },
  };
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

/** Polls a real condition until it holds or the time is up (no fixed sleeps). */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 5_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
