import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * One key revocation per /rotatekey request. A retry, a stalled job run again, or gramjs
 * re-sending a request after a reconnect would otherwise revoke twice, and the user would get
 * the first new key, already dead. The first run claims the rotation (SET NX) before it revokes,
 * noting a fingerprint of the key it replaces; a later run of the same request never revokes:
 * it reads the live key and hands it out once it differs from that one.
 */
export interface RtmpRotationClaims {
  /**
   * Claims the rotation for this request. `first`: this run may revoke. Otherwise `replaced` is
   * the fingerprint of the key the first run set out to replace.
   */
  claim(requestId: string, currentKey: string): Promise<{ first: true } | { first: false; replaced: string }>;
  /** Gives the claim back: Telegram refused the revocation, so it certainly did not happen. */
  release(requestId: string): Promise<void>;
}

/** Longer than any job of a request can still run (its attempts and backoff take minutes). */
const CLAIM_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** A key's fingerprint: the claim tells keys apart without keeping a secret in Redis. */
export function keyFingerprint(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

export function redisRtmpRotationClaims(redis: Redis, prefix: string): RtmpRotationClaims {
  const keyOf = (requestId: string) => `${prefix}:rtmp-rotation:${requestId}`;
  return {
    async claim(requestId, currentKey) {
      const key = keyOf(requestId);
      const taken = await redis.set(key, keyFingerprint(currentKey), "PX", CLAIM_LIFETIME_MS, "NX");
      if (taken === "OK") return { first: true };
      // An expired claim between the two commands means a day-old request: treat it as taken.
      return { first: false, replaced: (await redis.get(key)) ?? "" };
    },
    async release(requestId) {
      await redis.del(keyOf(requestId));
    },
  };
}
