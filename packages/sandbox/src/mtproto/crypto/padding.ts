import { randomBytes } from "node:crypto";

const POOL_BYTES = 64 * 1024;
let pool = randomBytes(POOL_BYTES);
let offset = 0;

/**
 * Random padding bytes for outgoing messages, cut from a pooled buffer: one randomBytes call
 * per message (12..27 bytes) showed up in the sandbox's profile; one per 64 KiB does not.
 */
export function randomPadding(length: number): Buffer {
  if (offset + length > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const padding = pool.subarray(offset, offset + length);
  offset += length;
  return padding;
}
