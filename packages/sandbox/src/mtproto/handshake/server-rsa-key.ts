import { createHash, generateKeyPairSync, type KeyObject } from "node:crypto";
import { bigIntFromBytes } from "../crypto/big-endian-integers.ts";
import { tlBytes } from "./tl-bytes.ts";

/** The sandbox's RSA key: clients encrypt the first secret of the key exchange with it. */
export interface ServerRsaKey {
  privateKey: KeyObject;
  /** PKCS#1 PEM ("BEGIN RSA PUBLIC KEY"), the form my.telegram.org shows Telegram's keys in. */
  publicKeyPem: string;
  n: bigint;
  e: bigint;
  /** The key's fingerprint as the wire's signed 64-bit long. */
  fingerprint: bigint;
}

let processKey: ServerRsaKey | undefined;

/**
 * One 2048-bit key per process, made on first use: Telegram's real keys are not ours to
 * hold, and a clients trusts a sandbox's key only when told to (TG_DC_PUBLIC_KEY).
 */
export function serverRsaKey(): ServerRsaKey {
  if (processKey) return processKey;
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicExponent: 65537,
  });
  const jwk = publicKey.export({ format: "jwk" });
  const nBytes = Buffer.from(jwk.n ?? "", "base64url");
  const eBytes = Buffer.from(jwk.e ?? "", "base64url");
  processKey = {
    privateKey,
    publicKeyPem: publicKey.export({ format: "pem", type: "pkcs1" }).toString(),
    n: bigIntFromBytes(nBytes),
    e: bigIntFromBytes(eBytes),
    fingerprint: rsaFingerprint(nBytes, eBytes),
  };
  return processKey;
}

/**
 * core.telegram.org/mtproto/auth_key: "the 64 lower-order bits of SHA1(server_public_key)",
 * where the key is serialised as `rsa_public_key n:string e:string` (TL bytes, big-endian
 * numbers); TDLib reads those 8 bytes (12..20 of the hash) as a little-endian long.
 */
export function rsaFingerprint(n: Buffer, e: Buffer): bigint {
  const hash = createHash("sha1")
    .update(Buffer.concat([tlBytes(n), tlBytes(e)]))
    .digest();
  return hash.readBigInt64LE(12);
}
