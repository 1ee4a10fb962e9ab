import type { Redis } from "ioredis";

/**
 * Which account started a call's recording through callbot. Telegram's groupCall says when a
 * recording started (record_start_date), not who started it; after a stop by another account
 * (a stop handed on, or a chat that moved to another account) the file may be in the starter's
 * Saved Messages (RecordingLookouts). A recording started by hand in Telegram is not known.
 */
export interface RecordingStarters {
  started(callId: string, accountId: number): Promise<void>;
  starterOf(callId: string): Promise<number | undefined>;
}

/** A recording runs at most as long as its call; calls outlive a week rarely, and then it is only not known. */
const STARTER_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export function redisRecordingStarters(redis: Redis, prefix: string): RecordingStarters {
  const keyOf = (callId: string) => `${prefix}:recording-started-by:${callId}`;
  return {
    async started(callId, accountId) {
      await redis.set(keyOf(callId), String(accountId), "PX", STARTER_LIFETIME_MS);
    },
    async starterOf(callId) {
      const starter = await redis.get(keyOf(callId));
      return starter === null ? undefined : Number(starter);
    },
  };
}
