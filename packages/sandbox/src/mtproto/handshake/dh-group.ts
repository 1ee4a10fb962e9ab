import { bigIntFromBytes } from "../crypto/big-endian-integers.ts";

/**
 * The 2048-bit safe prime and generator Telegram's servers use for the auth-key exchange and
 * for two-step verification (SRP). Source: core.telegram.org/mtproto/security_guidelines
 * ("currently the server sends ... g = 3 and this prime") and the dh_prime of
 * core.telegram.org/mtproto/samples-auth_key.
 */
export const DH_PRIME_BYTES = Buffer.from(
  "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f" +
    "48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37" +
    "20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64" +
    "2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4" +
    "a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754" +
    "fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4" +
    "e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f" +
    "0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b",
  "hex",
);
export const DH_PRIME = bigIntFromBytes(DH_PRIME_BYTES);
export const DH_GENERATOR = 3;

/**
 * security_guidelines: g_a and g_b must lie in (2^(2048-64), dh_prime - 2^(2048-64)), so that
 * neither side can force a weak shared key.
 */
export function isSafeDhValue(value: bigint): boolean {
  const margin = 1n << (2048n - 64n);
  return value > margin && value < DH_PRIME - margin;
}
