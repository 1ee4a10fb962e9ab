import { createHash } from "node:crypto";

/**
 * Which side wrote the message: MTProto 2.0 takes key material at offset x = 0 for
 * client -> server messages and x = 8 for server -> client ones.
 */
export type Direction = "clientToServer" | "serverToClient";

function offsetOf(direction: Direction): number {
  return direction === "clientToServer" ? 0 : 8;
}

function sha256(...parts: Buffer[]): Buffer {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** msg_key = SHA256(authKey[88+x .. 120+x] + plaintext)[8..24], padding included. */
export function computeMessageKey(authKey: Buffer, plain: Buffer, direction: Direction): Buffer {
  const x = offsetOf(direction);
  return sha256(authKey.subarray(88 + x, 120 + x), plain).subarray(8, 24);
}

/** The AES-256-IGE key and iv that msg_key selects (MTProto 2.0 "KDF"). */
export function deriveAesKeyIv(
  authKey: Buffer,
  msgKey: Buffer,
  direction: Direction,
): { key: Buffer; iv: Buffer } {
  const x = offsetOf(direction);
  const a = sha256(msgKey, authKey.subarray(x, x + 36));
  const b = sha256(authKey.subarray(40 + x, 76 + x), msgKey);
  return {
    key: Buffer.concat([a.subarray(0, 8), b.subarray(8, 24), a.subarray(24, 32)]),
    iv: Buffer.concat([b.subarray(0, 8), a.subarray(8, 24), b.subarray(24, 32)]),
  };
}
