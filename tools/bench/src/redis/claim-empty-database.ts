import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

export interface ClaimedDatabase {
  /** REDIS_URL for the bot and the worker: the same server, the claimed database number. */
  url: string;
  db: number;
  /** An open connection to the claimed database, for the bench's own reads. */
  redis: Redis;
  /** Deletes everything in the database (the run's queues and keys) and disconnects. */
  release(): Promise<void>;
}

const CLAIM_KEY = "callbot-bench:claim";
/** Highest first: numbered databases other than 0 are rarely used by anything else. */
const CANDIDATES = [15, 14, 13, 12, 11, 10, 9, 8, 7];

/**
 * apps/worker/src/main.ts always uses BullMQ's default prefix ("bull"), so a run cannot be kept
 * apart by prefix; it gets a Redis database of its own instead. Only an EMPTY database is
 * claimed (DBSIZE 0, then SET NX of a claim key, which also stops two runs taking the same one),
 * so the bench never flushes data it did not write. Released with FLUSHDB.
 */
export async function claimEmptyDatabase(baseUrl: string): Promise<ClaimedDatabase> {
  const token = randomUUID();
  for (const db of CANDIDATES) {
    const url = urlWithDatabase(baseUrl, db);
    const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
    await redis.connect();
    const claimed =
      (await redis.dbsize()) === 0 && (await redis.set(CLAIM_KEY, token, "EX", 3600, "NX")) === "OK";
    if (claimed) {
      return {
        url,
        db,
        redis,
        release: async () => {
          await redis.flushdb();
          await redis.quit();
        },
      };
    }
    await redis.quit();
  }
  throw new Error(
    `no empty Redis database among ${CANDIDATES.join(", ")} at ${redactedHost(baseUrl)}; ` +
      "the bench needs one of its own (it never flushes data it did not write)",
  );
}

function urlWithDatabase(baseUrl: string, db: number): string {
  const url = new URL(baseUrl);
  url.pathname = `/${db}`;
  return url.toString();
}

function redactedHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "REDIS_URL";
  }
}
