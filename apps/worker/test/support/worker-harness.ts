import { randomUUID } from "node:crypto";
import { type Sandbox, type SandboxOptions, startSandbox } from "@callbot/sandbox";
import {
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CreateCallRequest,
  type CreateCallResult,
  createRedisConnection,
  QUEUE_NAMES,
  type ResultsMessage,
  ResultsMessageSchema,
  type WorkerConfig,
} from "@callbot/shared";
import {
  deleteKeysWithPrefix,
  demoCreateCallRequest,
  finishedJob,
  REDIS_URL,
  waitFor,
} from "@callbot/test-support";
import { type Job, type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import type { TelegramClient } from "telegram";
import { afterEach, beforeEach } from "vitest";
import { type CallWorker, type StartCallWorkerOptions, startCallWorker } from "../../src/start-worker.ts";
import { userbotClientFromConfig } from "../../src/telegram/userbot-client-from-config.ts";

/**
 * One sandbox, one Redis prefix and the queues a bot would use, per test: the worker is driven
 * exactly as in production (jobs on the calls queue, outcomes read from the results queue).
 */
export class WorkerHarness {
  readonly prefix = `test-${randomUUID()}`;
  readonly logger = pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  readonly connection: Redis = createRedisConnection(REDIS_URL, { role: "worker" });
  readonly calls = new Queue(QUEUE_NAMES.calls, { connection: this.connection, prefix: this.prefix });
  readonly results = new Queue(QUEUE_NAMES.results, { connection: this.connection, prefix: this.prefix });
  private readonly workers: CallWorker[] = [];
  private messageCounter = 100;

  private constructor(readonly sandbox: Sandbox) {}

  static async start(options: SandboxOptions = {}): Promise<WorkerHarness> {
    return new WorkerHarness(await startSandbox({ rateLimits: false, ...options }));
  }

  /** A gramjs client for the assistant, built as the worker builds it (not connected). */
  userbotClient(): TelegramClient {
    return userbotClientFromConfig(this.config(), this.logger);
  }

  config(session = this.sandbox.info.sessions.callbot_assistant!): WorkerConfig {
    const { info } = this.sandbox;
    return {
      kind: "worker",
      tgApiId: info.apiId,
      tgApiHash: info.apiHash,
      tgSession: session,
      tgSessionFile: undefined,
      tgDc: info.mtproto,
      queuePrefix: this.prefix,
      redisUrl: REDIS_URL,
      logLevel: "info",
      allowRedisEviction: false,
      production: false,
    };
  }

  /** Starts a worker on the sandbox (its own Redis connection, like a separate process would have). */
  startWorker(overrides: Partial<StartCallWorkerOptions> = {}): CallWorker {
    const worker = startCallWorker({
      config: this.config(),
      logger: this.logger,
      prefix: this.prefix,
      invokeTimeoutMs: 2_000,
      ...overrides,
    });
    this.workers.push(worker);
    return worker;
  }

  /** A valid request as the bot would queue it. */
  request(overrides: Partial<CreateCallRequest> = {}): CreateCallRequest {
    return demoCreateCallRequest(++this.messageCounter, overrides);
  }

  async addJob(request: CreateCallRequest, options: JobsOptions = {}): Promise<void> {
    await this.calls.add(CALL_JOB_NAMES.createCall, request, {
      ...CALL_JOB_DEFAULTS,
      jobId: request.requestId,
      ...options,
    });
  }

  /** Every message the worker published on the results queue, oldest first, validated. */
  async resultMessages(): Promise<Array<{ jobId: string; message: ResultsMessage }>> {
    const jobs = await this.results.getJobs(["waiting", "active", "completed", "failed", "delayed"]);
    return jobs
      .sort((a, b) => a.timestamp - b.timestamp)
      .map((job) => ({ jobId: job.id ?? "", message: ResultsMessageSchema.parse(job.data) }));
  }

  async resultsFor(requestId: string): Promise<CreateCallResult[]> {
    return (await this.resultMessages()).flatMap(({ message }) =>
      message.kind === "create-call" && message.request.requestId === requestId ? [message] : [],
    );
  }

  /** Waits for the final (created or failed) result of a request. */
  async finalResult(requestId: string, timeoutMs = 10_000): Promise<CreateCallResult> {
    return waitFor(
      async () => (await this.resultsFor(requestId)).find((r) => r.outcome.status !== "delayed"),
      `the final result of ${requestId}`,
      timeoutMs,
    );
  }

  /** The request's job once BullMQ has finished it (see finishedJob). */
  finishedJob(requestId: string): Promise<Job> {
    return finishedJob(this.calls, requestId);
  }

  mtprotoCount(method: string): number {
    return this.sandbox.counters().mtproto[method] ?? 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    await this.calls.obliterate({ force: true }).catch(() => undefined);
    await this.results.obliterate({ force: true }).catch(() => undefined);
    await Promise.allSettled([this.calls.close(), this.results.close()]);
    await deleteKeysWithPrefix(this.connection, this.prefix);
    await this.connection.quit();
    await this.sandbox.close();
  }
}

export interface HarnessPerTestOptions {
  /** The sandbox each test gets. */
  sandbox?: SandboxOptions;
  /** Runs before the worker starts: world settings, the test's clock. */
  prepare?: (h: WorkerHarness) => void;
  /**
   * Options of the worker started before each test (the test then finds it taking jobs, with
   * the sandbox's counters at zero); false when the tests start their own. @defaultValue {}
   */
  worker?: Partial<StartCallWorkerOptions> | false;
}

/**
 * A fresh harness for each test of the enclosing describe, closed after it: one set-up instead
 * of a beforeEach/afterEach pair in every file. The returned harness stands for the running
 * test's (it forwards to the one beforeEach started), so tests use it as a plain value.
 *
 * @example
 * const h = harnessPerTest({ prepare: (h) => h.sandbox.world.configure({ randomIdRetry }) });
 */
export function harnessPerTest(options: HarnessPerTestOptions = {}): WorkerHarness {
  let current: WorkerHarness | undefined;
  beforeEach(async () => {
    current = await WorkerHarness.start(options.sandbox);
    options.prepare?.(current);
    if (options.worker === false) return;
    await current.startWorker(options.worker).ready;
    current.sandbox.resetCounters();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const running = (): WorkerHarness => {
    if (!current) throw new Error("the harness exists only while a test runs");
    return current;
  };
  return new Proxy({} as WorkerHarness, {
    get: (_, key) => {
      const value = Reflect.get(running(), key);
      return typeof value === "function" ? value.bind(running()) : value;
    },
    set: (_, key, value) => Reflect.set(running(), key, value),
  });
}
