import { createCipheriv, createDecipheriv } from "node:crypto";

const BLOCK = 16;

/**
 * AES-256-IGE, the block mode MTProto 2.0 uses. Node has no IGE, so it is built from
 * AES-256-ECB one block at a time: c_i = E(p_i ^ c_{i-1}) ^ p_{i-1}, with iv = c_0 | p_0.
 */
export function aesIgeEncrypt(key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  assertShape(key, iv, plain);
  const cipher = createCipheriv("aes-256-ecb", key, null).setAutoPadding(false);
  const out = Buffer.allocUnsafe(plain.length);
  let prevCipher = iv.subarray(0, BLOCK);
  let prevPlain = iv.subarray(BLOCK, 2 * BLOCK);
  const block = Buffer.allocUnsafe(BLOCK);
  for (let offset = 0; offset < plain.length; offset += BLOCK) {
    for (let i = 0; i < BLOCK; i++) block[i] = plain[offset + i]! ^ prevCipher[i]!;
    const encrypted = cipher.update(block);
    for (let i = 0; i < BLOCK; i++) out[offset + i] = encrypted[i]! ^ prevPlain[i]!;
    prevCipher = out.subarray(offset, offset + BLOCK);
    prevPlain = plain.subarray(offset, offset + BLOCK);
  }
  return out;
}

/** The inverse: p_i = D(c_i ^ p_{i-1}) ^ c_{i-1}. */
export function aesIgeDecrypt(key: Buffer, iv: Buffer, encrypted: Buffer): Buffer {
  assertShape(key, iv, encrypted);
  const decipher = createDecipheriv("aes-256-ecb", key, null).setAutoPadding(false);
  const out = Buffer.allocUnsafe(encrypted.length);
  let prevCipher = iv.subarray(0, BLOCK);
  let prevPlain = iv.subarray(BLOCK, 2 * BLOCK);
  const block = Buffer.allocUnsafe(BLOCK);
  for (let offset = 0; offset < encrypted.length; offset += BLOCK) {
    for (let i = 0; i < BLOCK; i++) block[i] = encrypted[offset + i]! ^ prevPlain[i]!;
    const decrypted = decipher.update(block);
    for (let i = 0; i < BLOCK; i++) out[offset + i] = decrypted[i]! ^ prevCipher[i]!;
    prevCipher = encrypted.subarray(offset, offset + BLOCK);
    prevPlain = out.subarray(offset, offset + BLOCK);
  }
  return out;
}

function assertShape(key: Buffer, iv: Buffer, data: Buffer): void {
  if (key.length !== 32) throw new Error("AES-256-IGE needs a 32-byte key");
  if (iv.length !== 32) throw new Error("AES-256-IGE needs a 32-byte iv");
  if (data.length % BLOCK !== 0) throw new Error("AES-256-IGE data must be a multiple of 16 bytes");
}
