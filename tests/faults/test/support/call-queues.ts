import {
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CreateCallRequest,
  QUEUE_NAMES,
  type ResultsMessage,
} from "@callbot/shared";
import { deleteKeysWithPrefix } from "@callbot/test-support";
import { type Job, type JobsOptions, Queue } from "bullmq";
import { Redis } from "ioredis";
import type { OutputCapture } from "./output-capture.ts";

/**
 * The test's own view of the calls and results queues (a separate connection, as a second
 * process would have). Every payload it reads is recorded for the secret scan (line 21).
 */
export class CallQueues {
  readonly connection: Redis;
  readonly calls: Queue<CreateCallRequest>;
  readonly results: Queue<ResultsMessage>;

  constructor(
    redisUrl: string,
    readonly prefix: string,
    private readonly capture: OutputCapture,
  ) {
    this.connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.connection.on("error", () => undefined); // tests kill Redis on purpose
    this.calls = new Queue(QUEUE_NAMES.calls, { connection: this.connection, prefix });
    this.results = new Queue(QUEUE_NAMES.results, { connection: this.connection, prefix });
    this.calls.on("error", () => undefined);
    this.results.on("error", () => undefined);
  }

  /** Every create-call job in any state. */
  async callJobs(): Promise<Array<Job<CreateCallRequest>>> {
    const jobs = await this.calls.getJobs([
      "waiting",
      "active",
      "delayed",
      "completed",
      "failed",
      "prioritized",
    ]);
    for (const job of jobs)
      this.capture.add(
        "calls-queue",
        JSON.stringify({
          data: job.data,
          failedReason: job.failedReason,
          stacktrace: job.stacktrace,
          returnvalue: job.returnvalue,
        }),
      );
    return jobs;
  }

  /** Every message the worker put on the results queue. */
  async resultMessages(): Promise<ResultsMessage[]> {
    const jobs = await this.results.getJobs(["waiting", "active", "delayed", "completed", "failed"]);
    for (const job of jobs) this.capture.add("results-queue", JSON.stringify(job.data));
    return jobs.sort((a, b) => a.timestamp - b.timestamp).map((job) => job.data);
  }

  /** Adds a job as the bot would (same options), e.g. to model a request made earlier. */
  async addCallJob(request: CreateCallRequest, options: JobsOptions = {}): Promise<void> {
    await this.calls.add(CALL_JOB_NAMES.createCall, request, {
      ...CALL_JOB_DEFAULTS,
      jobId: request.requestId,
      ...options,
    });
  }

  async close(options: { deleteKeys?: boolean } = {}): Promise<void> {
    if (options.deleteKeys) {
      await this.calls.obliterate({ force: true }).catch(() => undefined);
      await this.results.obliterate({ force: true }).catch(() => undefined);
      await deleteKeysWithPrefix(this.connection, this.prefix);
    }
    await Promise.allSettled([this.calls.close(), this.results.close()]);
    this.connection.disconnect();
  }
}
