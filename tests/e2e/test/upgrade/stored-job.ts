import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { QUEUE_NAMES } from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";

/**
 * A BullMQ job as a release left it in Redis: the job hash's `name`, `data` and `opts` fields,
 * byte for byte (data and opts are the JSON strings BullMQ stored), with where it was found.
 * These three fields are what the next release's processes read from a job: they are the
 * compatibility surface between releases (the rest of the hash is BullMQ's bookkeeping).
 */
export interface StoredJob {
  /** Which of callbot's queues held it. */
  queue: keyof typeof QUEUE_NAMES;
  jobId: string;
  name: string;
  data: string;
  opts: string;
  /** What it is, for a reader of the fixture. */
  about: string;
  /** The release that wrote it: the callbot commit and BullMQ version of the capture. */
  capturedFrom: { commit: string; bullmq: string; capturedAt: string };
}

export const FIXTURES_DIR = join(import.meta.dirname, "fixtures");

/** Reads one job hash as stored under `prefix`. */
export async function readStoredJob(
  redis: Redis,
  prefix: string,
  queue: keyof typeof QUEUE_NAMES,
  jobId: string,
): Promise<Pick<StoredJob, "queue" | "jobId" | "name" | "data" | "opts">> {
  const hash = await redis.hgetall(`${prefix}:${QUEUE_NAMES[queue]}:${jobId}`);
  if (hash.name === undefined || hash.data === undefined || hash.opts === undefined) {
    throw new Error(`no job ${jobId} on the ${queue} queue under ${prefix}`);
  }
  return { queue, jobId, name: hash.name, data: hash.data, opts: hash.opts };
}

/** Every checked-in fixture of one release (fixtures/v1, ...), by file name. */
export function readFixtures(release: string): Map<string, StoredJob> {
  const dir = join(FIXTURES_DIR, release);
  return new Map(
    readdirSync(dir)
      .filter((file) => file.endsWith(".json"))
      .map((file) => [
        file.replace(/\.json$/, ""),
        JSON.parse(readFileSync(join(dir, file), "utf8")) as StoredJob,
      ]),
  );
}

/**
 * Puts a stored job back into a queue as the release that wrote it left it: BullMQ's own add
 * makes the queue's bookkeeping for the job id (delayed, so that nothing can take it yet), the
 * job hash's name, data and opts are then replaced by the stored strings byte for byte, and the
 * job is promoted to waiting. A consumer therefore reads exactly what the old release stored.
 */
export async function loadStoredJob(
  redis: Redis,
  prefix: string,
  fixture: Pick<StoredJob, "queue" | "jobId" | "name" | "data" | "opts">,
): Promise<void> {
  const queue = new Queue(QUEUE_NAMES[fixture.queue], { connection: redis, prefix });
  try {
    const job = await queue.add(fixture.name, {}, { jobId: fixture.jobId, delay: 60 * 60_000 });
    await redis.hset(`${prefix}:${QUEUE_NAMES[fixture.queue]}:${fixture.jobId}`, {
      name: fixture.name,
      data: fixture.data,
      opts: fixture.opts,
    });
    await job.promote();
  } finally {
    await queue.close();
  }
}
