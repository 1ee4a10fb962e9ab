import { aesIgeDecrypt, aesIgeEncrypt } from "./ige.ts";
import { computeMessageKey, deriveAesKeyIv } from "./message-key.ts";
import { randomPadding } from "./padding.ts";

/** The inner plaintext of an MTProto 2.0 message, without padding. */
export interface PlainMessage {
  salt: bigint;
  sessionId: bigint;
  msgId: bigint;
  seqNo: number;
  body: Buffer;
}

/** Raised for anything that makes an encrypted message unreadable; the connection is closed. */
export class ProtocolViolation extends Error {
  override name = "ProtocolViolation";
}

const HEADER = 8 + 16; // auth_key_id + msg_key
const INNER_HEADER = 32; // salt, session_id, msg_id, seq_no, length

/** auth_key_id as the first 8 bytes of a message carry it (little-endian long), as a hex key. */
export function readAuthKeyId(data: Buffer): string {
  if (data.length < 8) throw new ProtocolViolation("message shorter than an auth_key_id");
  return data.subarray(0, 8).toString("hex");
}

/**
 * Decrypts a client message with the auth key its auth_key_id named. A wrong msg_key, a
 * length outside the decrypted data or padding outside 12..1024 bytes is a violation.
 */
export function decryptClientMessage(authKey: Buffer, data: Buffer): PlainMessage {
  const encrypted = data.subarray(HEADER);
  if (encrypted.length < INNER_HEADER || encrypted.length % 16 !== 0) {
    throw new ProtocolViolation("encrypted part has a bad length");
  }
  const msgKey = data.subarray(8, HEADER);
  const { key, iv } = deriveAesKeyIv(authKey, msgKey, "clientToServer");
  const plain = aesIgeDecrypt(key, iv, encrypted);
  if (!computeMessageKey(authKey, plain, "clientToServer").equals(msgKey)) {
    throw new ProtocolViolation("msg_key does not match the decrypted message");
  }
  const length = plain.readUInt32LE(28);
  const padding = plain.length - INNER_HEADER - length;
  if (length % 4 !== 0 || padding < 12 || padding > 1024) {
    throw new ProtocolViolation("message length does not fit the decrypted data");
  }
  return {
    salt: plain.readBigInt64LE(0),
    sessionId: plain.readBigInt64LE(8),
    msgId: plain.readBigInt64LE(16),
    seqNo: plain.readInt32LE(24),
    body: plain.subarray(INNER_HEADER, INNER_HEADER + length),
  };
}

/** Encrypts a server message: auth_key_id | msg_key | AES-256-IGE(plain + 12..27 bytes of padding). */
export function encryptServerMessage(authKey: Buffer, authKeyId: Buffer, message: PlainMessage): Buffer {
  const header = Buffer.allocUnsafe(INNER_HEADER);
  header.writeBigInt64LE(message.salt, 0);
  header.writeBigInt64LE(message.sessionId, 8);
  header.writeBigInt64LE(message.msgId, 16);
  header.writeInt32LE(message.seqNo, 24);
  header.writeUInt32LE(message.body.length, 28);
  const unpadded = INNER_HEADER + message.body.length;
  const padding = randomPadding(12 + ((16 - ((unpadded + 12) % 16)) % 16));
  const plain = Buffer.concat([header, message.body, padding]);
  const msgKey = computeMessageKey(authKey, plain, "serverToClient");
  const { key, iv } = deriveAesKeyIv(authKey, msgKey, "serverToClient");
  return Buffer.concat([authKeyId, msgKey, aesIgeEncrypt(key, iv, plain)]);
}
