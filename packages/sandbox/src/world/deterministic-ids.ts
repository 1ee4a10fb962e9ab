import { createHash } from "node:crypto";

/**
 * Deterministic "random" values from the world's seed, so a fixture gives the same access
 * hashes, call ids and RTMP keys on every run (tests and sessions stay reproducible).
 */
export function seededLong(seed: string, ...parts: (string | number)[]): string {
  const digest = createHash("sha256")
    .update([seed, ...parts].join(":"))
    .digest();
  return digest.readBigInt64BE(0).toString();
}

export function seededToken(seed: string, length: number, ...parts: (string | number)[]): string {
  const digest = createHash("sha256")
    .update([seed, ...parts].join(":"))
    .digest("base64url");
  return digest.slice(0, length);
}
