/**
 * MTProto's big numbers (DH values, SRP values, RSA blocks) travel as big-endian byte strings;
 * these convert them to and from BigInt and raise them to powers modulo a prime.
 */

export function bigIntFromBytes(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

/** `value` as exactly `length` big-endian bytes (left-padded with zeros). */
export function bytesFromBigInt(value: bigint, length: number): Buffer {
  const hex = value.toString(16).padStart(length * 2, "0");
  if (hex.length > length * 2) throw new Error(`number does not fit in ${length} bytes`);
  return Buffer.from(hex, "hex");
}

/** base^exponent mod modulus, by square-and-multiply. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}
