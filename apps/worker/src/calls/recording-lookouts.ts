import type { Redis } from "ioredis";

/**
 * Several accounts looking for one stop's recording, each in its own Saved Messages. Telegram
 * does not say whose Saved Messages get a recording that one account started and another
 * stopped (core.telegram.org/method/phone.toggleGroupCallRecord: "sent to Saved Messages (the
 * chat with ourselves)"; the official apps tell the stopper), so after such a stop both look:
 * the first to find the file forwards it, the others end quietly; when none finds it, the last
 * to give up tells the requester, so they hear once either way. Kept per account: each instance
 * speaks for the account whose worker made it.
 */
export interface RecordingLookouts {
  /** At the stop, before the looks are queued: how many accounts look for it. */
  plan(forwardRequestId: string, lookers: number): Promise<void>;
  /** The account that found the recording and forwards it, if one has. */
  finder(forwardRequestId: string): Promise<number | undefined>;
  /** This account found a file: true when it is the first (it forwards), false when another was. */
  found(forwardRequestId: string): Promise<boolean>;
  /**
   * This account looks no more (its last look found nothing, or its session died): true when
   * another account found the recording or still looks, so this one ends without a word; false
   * when it was the last looking (it reports, as a single account always did).
   */
  othersCarryOn(forwardRequestId: string): Promise<boolean>;
}

/** Longer than a forward keeps looking (about 21 minutes), also after a long flood wait. */
const LOOKOUT_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export function redisRecordingLookouts(redis: Redis, prefix: string, accountId: number): RecordingLookouts {
  const keyOf = (forwardRequestId: string) => `${prefix}:recording-lookout:${forwardRequestId}`;
  return {
    async plan(forwardRequestId, lookers) {
      const key = keyOf(forwardRequestId);
      await redis.multi().hset(key, "lookers", lookers).pexpire(key, LOOKOUT_LIFETIME_MS).exec();
    },
    async finder(forwardRequestId) {
      const found = await redis.hget(keyOf(forwardRequestId), "finder");
      return found === null ? undefined : Number(found);
    },
    async found(forwardRequestId) {
      const key = keyOf(forwardRequestId);
      const [[, first] = [], , [, finder] = []] =
        (await redis
          .multi()
          .hsetnx(key, "finder", accountId)
          .pexpire(key, LOOKOUT_LIFETIME_MS)
          .hget(key, "finder")
          .exec()) ?? [];
      return first === 1 || Number(finder) === accountId;
    },
    async othersCarryOn(forwardRequestId) {
      const key = keyOf(forwardRequestId);
      const finder = await redis.hget(key, "finder");
      if (finder !== null) return Number(finder) !== accountId;
      const [[, gaveUp] = [], [, lookers] = []] =
        (await redis
          .multi()
          .hincrby(key, "gaveUp", 1)
          .hget(key, "lookers")
          .pexpire(key, LOOKOUT_LIFETIME_MS)
          .exec()) ?? [];
      // A forward planned by one account alone has no count: it was the only one looking.
      return Number(gaveUp) < Number(lookers ?? 1);
    },
  };
}
