import type { Redis } from "ioredis";

/**
 * One forward per recording file. Telegram names no call in a recording, and its message dates
 * are whole seconds, so the file of a recording stopped a moment earlier can also look like
 * "sent since this stop": without a claim, a second stop's forward would send that older file
 * again while its own is still being prepared. A file already claimed by another forward is
 * skipped; the same forward run again (a retry) keeps its own claim.
 */
export interface RecordingClaims {
  /** True when the file is this forward's: newly claimed, or claimed by it before. */
  claim(messageId: number, forwardRequestId: string): Promise<boolean>;
  /** Gives back a file this forward claimed and will not forward (another account forwards the stop's recording). */
  release(messageId: number, forwardRequestId: string): Promise<void>;
}

/** Longer than a forward keeps looking (about 21 minutes) and than Saved Messages are searched back. */
const CLAIM_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Saved Messages ids are the account's own: the claims are kept per assistant account. */
export function redisRecordingClaims(redis: Redis, prefix: string, accountId: number): RecordingClaims {
  return {
    async claim(messageId, forwardRequestId) {
      const key = `${prefix}:recording-forwarded:${accountId}:${messageId}`;
      const taken = await redis.set(key, forwardRequestId, "PX", CLAIM_LIFETIME_MS, "NX");
      return taken === "OK" || (await redis.get(key)) === forwardRequestId;
    },
    async release(messageId, forwardRequestId) {
      const key = `${prefix}:recording-forwarded:${accountId}:${messageId}`;
      if ((await redis.get(key)) === forwardRequestId) await redis.del(key);
    },
  };
}
