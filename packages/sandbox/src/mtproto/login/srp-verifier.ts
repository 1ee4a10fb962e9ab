import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { bigIntFromBytes, bytesFromBigInt, modPow } from "../crypto/big-endian-integers.ts";
import { DH_GENERATOR, DH_PRIME, DH_PRIME_BYTES } from "../handshake/dh-group.ts";

/**
 * The server side of two-step verification, as core.telegram.org/api/srp documents it for
 * passwordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow. The server keeps only
 * v = g^x mod p; the password itself never crosses the wire.
 */

const H = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
/** SH(data, salt) := H(salt | data | salt). */
const SH = (data: Buffer, salt: Buffer) => H(salt, data, salt);
const pad256 = (value: bigint) => bytesFromBigInt(value, 256);
const G = BigInt(DH_GENERATOR);

export interface PasswordAlgo {
  salt1: Buffer;
  salt2: Buffer;
  g: number;
  p: Buffer;
}

/** A new algo with fresh salts, as account.getPassword hands out. */
export function newPasswordAlgo(): PasswordAlgo {
  return { salt1: randomBytes(40), salt2: randomBytes(16), g: DH_GENERATOR, p: DH_PRIME_BYTES };
}

/** x = PH2(password, salt1, salt2) and the verifier v = g^x mod p that the server stores. */
export function passwordVerifier(password: string, algo: PasswordAlgo): bigint {
  const ph1 = SH(SH(Buffer.from(password, "utf8"), algo.salt1), algo.salt2);
  const ph2 = SH(pbkdf2Sync(ph1, algo.salt1, 100000, 64, "sha512"), algo.salt2);
  return modPow(G, bigIntFromBytes(ph2), DH_PRIME);
}

/** k := H(p | g), both padded to 256 bytes. */
const k = bigIntFromBytes(H(DH_PRIME_BYTES, pad256(G)));

/** One login attempt's server secret b and the B (srp_B) the client gets. */
export interface SrpChallenge {
  b: bigint;
  B: Buffer;
}

/** B := k*v + g^b mod p. */
export function srpChallenge(verifier: bigint): SrpChallenge {
  const b = bigIntFromBytes(randomBytes(256));
  const B = (k * verifier + modPow(G, b, DH_PRIME)) % DH_PRIME;
  return { b, B: pad256(B) };
}

/**
 * Checks the client's M1. The server computes u := H(A | B), S := (A * v^u)^b mod p,
 * K := H(S) and M1 := H(H(p) xor H(g) | H(salt1) | H(salt2) | A | B | K); it matches the
 * client's only if the client knew the password.
 */
export function srpProofMatches(
  algo: PasswordAlgo,
  verifier: bigint,
  challenge: SrpChallenge,
  clientA: Buffer,
  clientM1: Buffer,
): boolean {
  const A = bigIntFromBytes(clientA);
  // api/srp: the server must check 1 < A < p - 1 (A = 0 would make S = 0 whatever the password).
  if (A <= 1n || A >= DH_PRIME - 1n) return false;
  const aBytes = pad256(A);
  const u = bigIntFromBytes(H(aBytes, challenge.B));
  const S = modPow((A * modPow(verifier, u, DH_PRIME)) % DH_PRIME, challenge.b, DH_PRIME);
  const K = H(pad256(S));
  const hp = H(DH_PRIME_BYTES);
  const hg = H(pad256(G));
  const pXorG = Buffer.from(hp.map((byte, i) => byte ^ (hg[i] ?? 0)));
  const M1 = H(pXorG, H(algo.salt1), H(algo.salt2), aBytes, challenge.B, K);
  return clientM1.length === M1.length && timingSafeEqual(M1, clientM1);
}
