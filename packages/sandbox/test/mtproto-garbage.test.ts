import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { crc32 } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authKeyIdOf } from "../src/mtproto/session/auth-key-registry.ts";
import { deriveAuthKey } from "../src/mtproto/session/issue-sessions.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

/** A raw TCP client and a promise that settles when the server closes the connection. */
async function rawSocket(port: number): Promise<{ socket: Socket; closed: Promise<"closed"> }> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.on("error", () => undefined);
  const closed = new Promise<"closed">((resolve) => socket.once("close", () => resolve("closed")));
  return { socket, closed };
}

/** A "full" transport frame around any payload, with a correct CRC. */
function fullFrame(payload: Buffer, seq = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32LE(payload.length + 12, 0);
  head.writeInt32LE(seq, 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(crc32(Buffer.concat([head, payload])), 0);
  return Buffer.concat([head, payload, crc]);
}

const within = <T>(promise: Promise<T>, ms = 3000) =>
  Promise.race([
    promise,
    new Promise<"still open">((resolve) => setTimeout(() => resolve("still open"), ms)),
  ]);

describe("garbage on the MTProto port closes that connection only", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  /** Sends `bytes` on a fresh raw connection, expects the server to close it, and checks a gramjs client still works. */
  async function expectClosedWhileOthersWork(bytes: Buffer) {
    const client = await bed.connect();
    const { socket, closed } = await rawSocket(bed.server.port);
    socket.write(bytes);
    expect(await within(closed)).toBe("closed");
    expect((await client.getMe()).id.toString()).toBe(String(DEMO.userbotId));
  }

  it("random bytes", async () => {
    // Byte 0 is not 0xef and bytes 0..3 are not 0xeeeeeeee: read as a "full" frame length, it is absurd.
    const junk = Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0x7f]), randomBytes(60)]);
    await expectClosedWhileOthersWork(junk);
  });

  it("a full frame with a bad CRC", async () => {
    const frame = fullFrame(randomBytes(64));
    frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0xff;
    await expectClosedWhileOthersWork(frame);
  });

  it("a truncated message inside a well-formed frame", async () => {
    const key = deriveAuthKey("callbot-demo", DEMO.userbotId);
    // auth_key_id and msg_key, then 20 bytes: not even one AES block pair.
    await expectClosedWhileOthersWork(
      fullFrame(Buffer.concat([authKeyIdOf(key), randomBytes(16), randomBytes(36)])),
    );
  });

  it("a frame cut short by the client hanging up", async () => {
    const client = await bed.connect();
    const { socket, closed } = await rawSocket(bed.server.port);
    socket.end(fullFrame(randomBytes(128)).subarray(0, 50));
    expect(await within(closed)).toBe("closed");
    expect((await client.getMe()).id.toString()).toBe(String(DEMO.userbotId));
  });

  it("an unknown auth key, after the transport error -404", async () => {
    const client = await bed.connect();
    const { socket, closed } = await rawSocket(bed.server.port);
    const received: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.write(fullFrame(randomBytes(8 + 16 + 64)));
    expect(await within(closed)).toBe("closed");
    // One "full" frame (length 16, seq 0) whose 4-byte payload is the error code.
    const answer = Buffer.concat(received);
    expect(answer.length).toBe(16);
    expect(answer.readInt32LE(0)).toBe(16);
    expect(answer.readInt32LE(8)).toBe(-404);
    expect((await client.getMe()).id.toString()).toBe(String(DEMO.userbotId));
  });

  it("an unencrypted message (auth_key_id 0) that is no step of the key exchange", async () => {
    const reqPq = Buffer.concat([
      Buffer.alloc(8),
      randomBytes(8),
      Buffer.from([20, 0, 0, 0]),
      randomBytes(40),
    ]);
    await expectClosedWhileOthersWork(fullFrame(reqPq));
  });

  it("the right auth key with a wrong msg_key", async () => {
    const key = deriveAuthKey("callbot-demo", DEMO.userbotId);
    await expectClosedWhileOthersWork(
      fullFrame(Buffer.concat([authKeyIdOf(key), randomBytes(16), randomBytes(64)])),
    );
  });

  it("intermediate transport with a nonsense length", async () => {
    const bytes = Buffer.concat([
      Buffer.from([0xee, 0xee, 0xee, 0xee]),
      Buffer.from([3, 0, 0, 0]),
      randomBytes(3),
    ]);
    await expectClosedWhileOthersWork(bytes);
  });
});
