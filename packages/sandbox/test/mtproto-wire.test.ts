import { randomBytes } from "node:crypto";
import { IGE } from "telegram/crypto/IGE.js";
import { BinaryReader } from "telegram/extensions/index.js";
import { StringSession } from "telegram/sessions/index.js";
import { describe, expect, it } from "vitest";
import { decryptClientMessage, encryptServerMessage } from "../src/mtproto/crypto/encrypted-message.ts";
import { aesIgeDecrypt, aesIgeEncrypt } from "../src/mtproto/crypto/ige.ts";
import { computeMessageKey, deriveAesKeyIv } from "../src/mtproto/crypto/message-key.ts";
import { tlMethodName } from "../src/mtproto/rpc/tl-method-name.ts";
import { authKeyIdOf } from "../src/mtproto/session/auth-key-registry.ts";
import { deriveAuthKey, encodeStringSession } from "../src/mtproto/session/issue-sessions.ts";
import { ServerMessageIds } from "../src/mtproto/session/server-message-ids.ts";
import { FastLongReader } from "../src/mtproto/tl/fast-long-reader.ts";
import { detectTransport } from "../src/mtproto/transport/detect.ts";
import { createFullTransport } from "../src/mtproto/transport/full.ts";
import { createIntermediateTransport } from "../src/mtproto/transport/intermediate.ts";

describe("MTProto wire pieces (pure)", () => {
  it("AES-256-IGE matches gramjs's own implementation both ways", () => {
    const key = randomBytes(32);
    const iv = randomBytes(32);
    const plain = randomBytes(16 * 9);
    const ours = aesIgeEncrypt(key, iv, plain);
    expect(ours.equals(new IGE(key, iv).encryptIge(plain) as Buffer)).toBe(true);
    expect(aesIgeDecrypt(key, iv, ours).equals(plain)).toBe(true);
  });

  it("decrypts what a client encrypted (x = 0) and rejects a tampered message", () => {
    const authKey = deriveAuthKey("seed", 1);
    const body = randomBytes(40);
    const header = Buffer.alloc(32);
    header.writeBigInt64LE(5n, 0);
    header.writeBigInt64LE(6n, 8);
    header.writeBigInt64LE(7n << 32n, 16);
    header.writeInt32LE(1, 24);
    header.writeUInt32LE(body.length, 28);
    const plain = Buffer.concat([header, body, randomBytes(24)]);
    const msgKey = computeMessageKey(authKey, plain, "clientToServer");
    const { key, iv } = deriveAesKeyIv(authKey, msgKey, "clientToServer");
    const wire = Buffer.concat([authKeyIdOf(authKey), msgKey, aesIgeEncrypt(key, iv, plain)]);
    const message = decryptClientMessage(authKey, wire);
    expect(message.body.equals(body)).toBe(true);
    expect(message.msgId).toBe(7n << 32n);
    const tampered = Buffer.from(wire);
    tampered[wire.length - 1] = (tampered[wire.length - 1] ?? 0) ^ 1;
    expect(() => decryptClientMessage(authKey, tampered)).toThrow(/msg_key/);
    // A server message is not readable as a client one (x differs).
    const serverWire = encryptServerMessage(authKey, authKeyIdOf(authKey), {
      salt: 1n,
      sessionId: 2n,
      msgId: 5n,
      seqNo: 1,
      body,
    });
    expect((serverWire.length - 24) % 16).toBe(0);
    expect(() => decryptClientMessage(authKey, serverWire)).toThrow();
  });

  it("encodes a StringSession that gramjs reads back (dc, address, port bits, key)", async () => {
    const key = deriveAuthKey("seed", 2001);
    const session = new StringSession(encodeStringSession(2, "127.0.0.1", 40123, key));
    await session.load();
    expect(session.dcId).toBe(2);
    expect(session.serverAddress).toBe("127.0.0.1");
    // gramjs reads the port as a signed int16; the 16 bits are the sandbox's port.
    expect(session.port & 0xffff).toBe(40123);
    expect(session.getAuthKey()?.getKey()?.equals(key)).toBe(true);
    expect(deriveAuthKey("seed", 2001).equals(key)).toBe(true);
    expect(deriveAuthKey("other", 2001).equals(key)).toBe(false);
  });

  it("full transport: frames split across chunks decode; a wrong seq or CRC is refused", () => {
    const sender = createFullTransport();
    const payloads = [randomBytes(56), randomBytes(120)];
    const stream = Buffer.concat(payloads.map((p) => sender.encoder.encode(p)));
    const receiver = createFullTransport();
    const got = [
      ...receiver.decoder.push(stream.subarray(0, 30)),
      ...receiver.decoder.push(stream.subarray(30)),
    ];
    expect(got.map((p) => p.toString("hex"))).toEqual(payloads.map((p) => p.toString("hex")));

    const outOfOrder = createFullTransport();
    expect(() => outOfOrder.decoder.push(stream.subarray(56 + 12))).toThrow(/seq/);
    const corrupt = Buffer.from(stream.subarray(0, 68));
    corrupt[20] = (corrupt[20] ?? 0) ^ 0xff;
    expect(() => createFullTransport().decoder.push(corrupt)).toThrow(/CRC/);
  });

  it("detects the transport from the first bytes", () => {
    expect(detectTransport(Buffer.from([0xef]))?.transport.name).toBe("abridged");
    expect(detectTransport(Buffer.from([0xee, 0xee]))).toBeUndefined();
    expect(detectTransport(Buffer.from([0xee, 0xee, 0xee, 0xee]))?.transport.name).toBe("intermediate");
    expect(detectTransport(Buffer.from([68, 0, 0, 0]))?.transport.name).toBe("full");
    const intermediate = createIntermediateTransport();
    const frame = intermediate.encoder.encode(randomBytes(64));
    expect(createIntermediateTransport().decoder.push(frame)[0]?.length).toBe(64);
  });

  it("server msg_ids increase strictly, 1 mod 4 for answers and 3 mod 4 for pushes", () => {
    const ids = new ServerMessageIds();
    const seen = Array.from({ length: 50 }, (_, i) => ids.next(i % 2 === 0 ? "response" : "push"));
    for (let i = 1; i < seen.length; i++) expect(seen[i]! > seen[i - 1]!).toBe(true);
    expect(seen.every((id, i) => id % 4n === (i % 2 === 0 ? 1n : 3n))).toBe(true);
    expect(Number(seen[0]! >> 32n)).toBeCloseTo(Date.now() / 1000, -1);
  });

  it("reads longs exactly as gramjs's own BinaryReader does, signed and unsigned", () => {
    const values = [0n, 1n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 1500000001n, -4242424242424242n];
    for (const value of values) {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64LE(value);
      for (const signed of [true, false]) {
        expect(new FastLongReader(bytes).readLong(signed).toString()).toBe(
          new BinaryReader(bytes).readLong(signed).toString(),
        );
      }
    }
  });

  it("normalises gramjs class names to TL method names", () => {
    expect(tlMethodName("phone.CreateGroupCall")).toBe("phone.createGroupCall");
    expect(tlMethodName("InvokeWithLayer")).toBe("invokeWithLayer");
  });
});
