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
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { pino } from "pino";
import { type CallWorker, type StartCallWorkerOptions, startCallWorker } from "../../src/start-worker.ts";
import { waitFor } from "./wait-for.ts";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const USERBOT_ID = 2001;
export const OWNER_ID = 1001;
/** Demo world chats (Bot API ids). */
export const CHATS = {
  community: { chatId: -1001500000001, username: "demo_community", title: "Demo Community" },
  channel: { chatId: -1001500000002, username: "demo_channel", title: "Demo Channel" },
  privateTeam: { chatId: -1001500000003, title: "Private Team" },
  lockedRoom: { chatId: -1001500000004, title: "Locked Room" },
  noRights: { chatId: -1001500000005, username: "no_rights_club", title: "No Rights Club" },
  oldGroup: { chatId: -400000001, title: "Old Group" },
} as const;

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
    const messageId = ++this.messageCounter;
    const target = overrides.target ?? CHATS.community;
    return {
      v: 1,
      kind: "create-call",
      requestId: `newcall_${target.chatId}_${messageId}`,
      requester: { userId: OWNER_ID, chatId: target.chatId, messageId },
      ack: { chatId: target.chatId, messageId: messageId + 1 },
      target,
      rtmp: false,
      timeZone: "Europe/Berlin",
      requestedAt: Date.now(),
      ...overrides,
    };
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

  mtprotoCount(method: string): number {
    return this.sandbox.counters().mtproto[method] ?? 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    await this.calls.obliterate({ force: true }).catch(() => undefined);
    await this.results.obliterate({ force: true }).catch(() => undefined);
    await Promise.allSettled([this.calls.close(), this.results.close()]);
    const keys = await this.connection.keys(`${this.prefix}:*`);
    if (keys.length > 0) await this.connection.del(...keys);
    await this.connection.quit();
    await this.sandbox.close();
  }
}
