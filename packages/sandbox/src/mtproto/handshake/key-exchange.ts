import { createHash, generatePrimeSync, privateDecrypt, randomBytes, constants as rsa } from "node:crypto";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { readBigIntFromBuffer, toSignedLittleBuffer } from "telegram/Helpers.js";
import { bigIntFromBytes, bytesFromBigInt, modPow } from "../crypto/big-endian-integers.ts";
import { ProtocolViolation } from "../crypto/encrypted-message.ts";
import { aesIgeDecrypt, aesIgeEncrypt } from "../crypto/ige.ts";
import { DH_GENERATOR, DH_PRIME, DH_PRIME_BYTES, isSafeDhValue } from "./dh-group.ts";
import type { ServerRsaKey } from "./server-rsa-key.ts";

type TlInt = ReturnType<typeof readBigIntFromBuffer>;

const sha1 = (...parts: Buffer[]) => createHash("sha1").update(Buffer.concat(parts)).digest();
const sha256 = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();

/**
 * The server side of MTProto's auth-key creation (core.telegram.org/mtproto/auth_key), for
 * one connection: req_pq_multi -> resPQ, req_DH_params (RSA_PAD) -> server_DH_params_ok,
 * set_client_DH_params -> dh_gen_ok. Every check the page asks of the server is made; a
 * failed one is a ProtocolViolation and the connection is closed.
 */
export class KeyExchange {
  private nonce: TlInt | undefined;
  private serverNonce: TlInt | undefined;
  private pq: { p: bigint; q: bigint } | undefined;
  private newNonce: Buffer | undefined;
  private a: bigint | undefined;
  private done = false;

  constructor(
    private readonly rsaKey: ServerRsaKey,
    /** Receives the new auth key; returns false if its id is taken (the client is asked to retry). */
    private readonly onAuthKey: (authKey: Buffer) => boolean,
  ) {}

  /** Answers one unencrypted message body; throws ProtocolViolation on anything out of order. */
  answer(body: Buffer): Buffer {
    if (this.done) throw new ProtocolViolation("key exchange already finished on this connection");
    const request = new BinaryReader(body).tgReadObject();
    if (request instanceof Api.ReqPqMulti || request instanceof Api.ReqPq) return this.resPq(request.nonce);
    if (request instanceof Api.ReqDHParams) return this.serverDhParams(request);
    if (request instanceof Api.SetClientDHParams) return this.dhGen(request);
    throw new ProtocolViolation("unencrypted message that is not a key-exchange step");
  }

  private resPq(nonce: TlInt): Buffer {
    // pq: a product of two distinct primes below 2^31, as Telegram sends (auth_key step 1).
    const p = generatePrimeSync(31, { bigint: true });
    let q = p;
    while (q === p) q = generatePrimeSync(31, { bigint: true });
    this.pq = p < q ? { p, q } : { p: q, q: p };
    this.nonce = nonce;
    this.serverNonce = readBigIntFromBuffer(randomBytes(16), true, true);
    this.newNonce = undefined;
    return new Api.ResPQ({
      nonce,
      serverNonce: this.serverNonce,
      pq: bytesFromBigInt(p * q, 8),
      serverPublicKeyFingerprints: [
        readBigIntFromBuffer(toFingerprintBytes(this.rsaKey.fingerprint), true, true),
      ],
    }).getBytes();
  }

  private serverDhParams(request: Api.ReqDHParams): Buffer {
    const { pq } = this;
    this.checkNonces(request.nonce, request.serverNonce);
    if (!pq || bigIntFromBytes(request.p) !== pq.p || bigIntFromBytes(request.q) !== pq.q) {
      throw new ProtocolViolation("req_DH_params: p and q are not the factors of pq");
    }
    const fingerprint = toSignedLittleBuffer(request.publicKeyFingerprint, 8).readBigInt64LE(0);
    if (fingerprint !== this.rsaKey.fingerprint)
      throw new ProtocolViolation("req_DH_params: unknown RSA key");

    const inner = this.readPqInnerData(request.encryptedData);
    this.checkNonces(inner.nonce, inner.serverNonce);
    if (bigIntFromBytes(inner.pq) !== pq.p * pq.q || bigIntFromBytes(inner.p) !== pq.p) {
      throw new ProtocolViolation("p_q_inner_data does not match resPQ");
    }
    const newNonce = toSignedLittleBuffer(inner.newNonce, 32);
    this.newNonce = newNonce;

    let a: bigint;
    let gA: bigint;
    do {
      a = bigIntFromBytes(randomBytes(256));
      gA = modPow(BigInt(DH_GENERATOR), a, DH_PRIME);
    } while (!isSafeDhValue(gA));
    this.a = a;
    const answer = new Api.ServerDHInnerData({
      nonce: request.nonce,
      serverNonce: request.serverNonce,
      g: DH_GENERATOR,
      dhPrime: DH_PRIME_BYTES,
      gA: bytesFromBigInt(gA, 256),
      serverTime: Math.floor(Date.now() / 1000),
    }).getBytes();
    const withHash = Buffer.concat([sha1(answer), answer]);
    const padded = Buffer.concat([withHash, randomBytes((16 - (withHash.length % 16)) % 16)]);
    const { key, iv } = this.temporaryAesKey();
    return new Api.ServerDHParamsOk({
      nonce: request.nonce,
      serverNonce: request.serverNonce,
      encryptedAnswer: aesIgeEncrypt(key, iv, padded),
    }).getBytes();
  }

  /**
   * RSA_PAD, undone (auth_key step 4.1): RSA -> temp_key_xor | aes_encrypted; temp_key =
   * temp_key_xor ^ SHA256(aes_encrypted); AES-IGE(temp_key, zero iv) gives the reversed padded
   * data and SHA256(temp_key + data_with_padding), which must match.
   */
  private readPqInnerData(encryptedData: Buffer): Api.PQInnerData {
    if (encryptedData.length !== 256)
      throw new ProtocolViolation("req_DH_params: encrypted_data is not 256 bytes");
    const keyAesEncrypted = privateDecrypt(
      { key: this.rsaKey.privateKey, padding: rsa.RSA_NO_PADDING },
      encryptedData,
    );
    const aesEncrypted = keyAesEncrypted.subarray(32);
    const tempKey = xor(keyAesEncrypted.subarray(0, 32), sha256(aesEncrypted));
    const dataWithHash = aesIgeDecrypt(tempKey, Buffer.alloc(32), aesEncrypted);
    const dataWithPadding = Buffer.from(dataWithHash.subarray(0, 192)).reverse();
    if (!sha256(tempKey, dataWithPadding).equals(dataWithHash.subarray(192))) {
      throw new ProtocolViolation("req_DH_params: RSA_PAD hash mismatch");
    }
    const inner = new BinaryReader(dataWithPadding).tgReadObject();
    // The _dc and _temp_dc variants carry the same fields plus the data centre.
    if (
      !(
        inner instanceof Api.PQInnerData ||
        inner instanceof Api.PQInnerDataDc ||
        inner instanceof Api.PQInnerDataTempDc
      )
    ) {
      throw new ProtocolViolation("req_DH_params: encrypted data is not p_q_inner_data");
    }
    return inner as Api.PQInnerData;
  }

  private dhGen(request: Api.SetClientDHParams): Buffer {
    this.checkNonces(request.nonce, request.serverNonce);
    const { a, newNonce } = this;
    if (a === undefined || newNonce === undefined)
      throw new ProtocolViolation("set_client_DH_params before req_DH_params");
    const { key, iv } = this.temporaryAesKey();
    if (request.encryptedData.length % 16 !== 0)
      throw new ProtocolViolation("set_client_DH_params: not AES blocks");
    const plain = aesIgeDecrypt(key, iv, request.encryptedData);
    const reader = new BinaryReader(plain.subarray(20));
    const inner = reader.tgReadObject();
    if (!(inner instanceof Api.ClientDHInnerData))
      throw new ProtocolViolation("expected client_DH_inner_data");
    if (!sha1(plain.subarray(20, 20 + reader.tellPosition())).equals(plain.subarray(0, 20))) {
      throw new ProtocolViolation("client_DH_inner_data: SHA1 mismatch");
    }
    this.checkNonces(inner.nonce, inner.serverNonce);
    const gB = bigIntFromBytes(inner.gB);
    if (!isSafeDhValue(gB)) throw new ProtocolViolation("client_DH_inner_data: g_b outside the safe range");

    const authKey = bytesFromBigInt(modPow(gB, a, DH_PRIME), 256);
    // new_nonce_hash_n: the lower 128 bits of SHA1(new_nonce | n | auth_key_aux_hash), where
    // auth_key_aux_hash is the upper 64 bits of SHA1(auth_key) (auth_key step 6).
    const auxHash = sha1(authKey).subarray(0, 8);
    const accepted = this.onAuthKey(authKey);
    const outcome = accepted ? 1 : 2;
    const newNonceHash = readBigIntFromBuffer(
      sha1(newNonce, Buffer.from([outcome]), auxHash).subarray(4, 20),
      true,
      true,
    );
    const nonces = { nonce: request.nonce, serverNonce: request.serverNonce };
    if (!accepted) {
      // The key's id collides with a known one: dh_gen_retry, the client starts step 3 again.
      return new Api.DhGenRetry({ ...nonces, newNonceHash2: newNonceHash }).getBytes();
    }
    this.done = true;
    return new Api.DhGenOk({ ...nonces, newNonceHash1: newNonceHash }).getBytes();
  }

  /** tmp_aes_key and tmp_aes_iv from new_nonce and server_nonce (auth_key step 5). */
  private temporaryAesKey(): { key: Buffer; iv: Buffer } {
    const newNonce = this.newNonce as Buffer;
    const serverNonce = toSignedLittleBuffer(this.serverNonce as TlInt, 16);
    const newServer = sha1(newNonce, serverNonce);
    const serverNew = sha1(serverNonce, newNonce);
    return {
      key: Buffer.concat([newServer, serverNew.subarray(0, 12)]),
      iv: Buffer.concat([serverNew.subarray(12, 20), sha1(newNonce, newNonce), newNonce.subarray(0, 4)]),
    };
  }

  private checkNonces(nonce: TlInt, serverNonce: TlInt): void {
    if (this.nonce === undefined || this.serverNonce === undefined)
      throw new ProtocolViolation("no req_pq_multi yet");
    const same = (x: TlInt, y: TlInt) => toSignedLittleBuffer(x, 16).equals(toSignedLittleBuffer(y, 16));
    if (!same(nonce, this.nonce) || !same(serverNonce, this.serverNonce)) {
      throw new ProtocolViolation("key exchange: nonce or server_nonce does not match");
    }
  }
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

function toFingerprintBytes(fingerprint: bigint): Buffer {
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigInt64LE(fingerprint, 0);
  return bytes;
}
