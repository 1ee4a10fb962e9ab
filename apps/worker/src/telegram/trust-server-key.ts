import { createHash, createPublicKey } from "node:crypto";
import { _serverKeys } from "telegram/crypto/RSA.js";
import { returnBigInt } from "telegram/Helpers.js";

/** TL `bytes` serialisation (length prefix, data, zero padding to 4), as the fingerprint hashes it. */
function tlBytes(data: Buffer): Buffer {
  const header =
    data.length < 254
      ? Buffer.from([data.length])
      : Buffer.from([254, data.length & 0xff, (data.length >> 8) & 0xff, (data.length >> 16) & 0xff]);
  return Buffer.concat([header, data, Buffer.alloc((4 - ((header.length + data.length) % 4)) % 4)]);
}

/**
 * Adds the RSA key of the server TG_DC names (TG_DC_PUBLIC_KEY) to gramjs's table of server
 * keys, so a login from scratch can make an auth key there. gramjs only knows Telegram's own
 * keys; callers add this one only when TG_DC is set, never for Telegram's servers.
 *
 * The table is keyed by the key's fingerprint: the lower 64 bits of SHA1 over
 * `rsa_public_key n:bytes e:bytes`, read as a signed little-endian long
 * (core.telegram.org/mtproto/auth_key).
 */
export function trustServerKey(pem: string): void {
  const jwk = createPublicKey(pem).export({ format: "jwk" });
  const n = Buffer.from(jwk.n ?? "", "base64url");
  const e = Buffer.from(jwk.e ?? "", "base64url");
  const hash = createHash("sha1")
    .update(Buffer.concat([tlBytes(n), tlBytes(e)]))
    .digest();
  _serverKeys.set(hash.readBigInt64LE(12).toString(), {
    n: returnBigInt(BigInt(`0x${n.toString("hex")}`).toString()),
    e: Number.parseInt(e.toString("hex"), 16),
  });
}
