import { createHash } from "node:crypto";

/**
 * The `random_id` for phone.createGroupCall, from the request's idempotency key.
 *
 * Telegram uses random_id to avoid creating the same call twice, so every retry of one request
 * must send the same value: it is derived from the key, not drawn at random. It must be a
 * non-zero int32: gramjs treats 0 as missing, fills in a 64-bit value and then fails to
 * serialise it (RangeError). SHA-256 spreads keys evenly over the 2^32 values.
 *
 * @example randomIdFromKey("newcall_-1001500000001_42") // the same int32 every time
 */
export function randomIdFromKey(key: string): number {
  const digest = createHash("sha256").update(key, "utf8").digest();
  // Four bytes at a time: the first non-zero word wins. All eight being zero is practically
  // impossible, but the function must never return 0.
  for (let offset = 0; offset + 4 <= digest.length; offset += 4) {
    const value = digest.readInt32BE(offset);
    if (value !== 0) return value;
  }
  return 1;
}
