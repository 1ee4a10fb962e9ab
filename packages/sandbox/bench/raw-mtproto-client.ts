import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { aesIgeDecrypt, aesIgeEncrypt } from "../src/mtproto/crypto/ige.ts";
import { computeMessageKey, deriveAesKeyIv } from "../src/mtproto/crypto/message-key.ts";
import { authKeyIdOf } from "../src/mtproto/session/auth-key-registry.ts";
import { createFullTransport } from "../src/mtproto/transport/full.ts";
import { createIntermediateTransport, INTERMEDIATE_TAG } from "../src/mtproto/transport/intermediate.ts";
import type { Transport } from "../src/mtproto/transport/transport.ts";

const RPC_RESULT = 0xf35c6d01;
const RPC_ERROR = Api.RpcError.CONSTRUCTOR_ID >>> 0;
// Answers that carry the request's msg_id themselves, outside rpc_result.
const PONG = Api.Pong.CONSTRUCTOR_ID >>> 0;
const FUTURE_SALTS = Api.FutureSalts.CONSTRUCTOR_ID >>> 0;

/**
 * A deliberately lean MTProto client: node crypto, pre-serialised requests, no big-integer.
 * The benchmark uses it to measure what the sandbox itself can serve (one gramjs client spends
 * several times the sandbox's CPU per call); the transport tests use it to speak the
 * intermediate transport, which gramjs has no class for.
 */
export class RawMtprotoClient {
  private readonly authKeyId: Buffer;
  private readonly sessionId = randomBytes(8).readBigInt64LE(0);
  private lastMsgId = 0n;
  private seq = 0;
  private readonly pending = new Map<
    bigint,
    { resolve: (body: Buffer) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly socket: Socket,
    private readonly authKey: Buffer,
    private readonly transport: Transport,
  ) {
    this.authKeyId = authKeyIdOf(authKey);
    socket.on("data", (chunk: Buffer) => {
      for (const payload of this.transport.decoder.push(chunk)) this.onPayload(payload);
    });
  }

  /** Connects with the auth key inside a sandbox-issued gramjs StringSession. */
  static async connect(
    host: string,
    port: number,
    session: string,
    transport: "full" | "intermediate" = "full",
  ): Promise<RawMtprotoClient> {
    const authKey = Buffer.from(session.slice(1), "base64").subarray(-256);
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.setNoDelay(true);
    if (transport === "intermediate") socket.write(INTERMEDIATE_TAG);
    const framing = transport === "intermediate" ? createIntermediateTransport() : createFullTransport();
    return new RawMtprotoClient(socket, authKey, framing);
  }

  /**
   * Sends one serialised request; resolves with the answer's TL body (the result inside
   * rpc_result, or a bare pong / future_salts), rejects on rpc_error.
   */
  invoke(body: Buffer): Promise<Buffer> {
    const msgId = this.nextMsgId();
    const promise = new Promise<Buffer>((resolve, reject) => this.pending.set(msgId, { resolve, reject }));
    const header = Buffer.allocUnsafe(32);
    header.writeBigInt64LE(0n, 0); // salt: the sandbox accepts any
    header.writeBigInt64LE(this.sessionId, 8);
    header.writeBigInt64LE(msgId, 16);
    header.writeInt32LE(this.seq++ * 2 + 1, 24);
    header.writeUInt32LE(body.length, 28);
    const unpadded = 32 + body.length;
    const padding = randomBytes(12 + ((16 - ((unpadded + 12) % 16)) % 16));
    const plain = Buffer.concat([header, body, padding]);
    const msgKey = computeMessageKey(this.authKey, plain, "clientToServer");
    const { key, iv } = deriveAesKeyIv(this.authKey, msgKey, "clientToServer");
    const payload = Buffer.concat([this.authKeyId, msgKey, aesIgeEncrypt(key, iv, plain)]);
    this.socket.write(this.transport.encoder.encode(payload));
    return promise;
  }

  close(): void {
    this.socket.destroy();
  }

  private nextMsgId(): bigint {
    const now = BigInt(Date.now());
    let id = ((now / 1000n) << 32n) | ((((now % 1000n) << 32n) / 1000n) & ~3n);
    if (id <= this.lastMsgId) id = this.lastMsgId + 4n;
    this.lastMsgId = id;
    return id;
  }

  private onPayload(payload: Buffer): void {
    const msgKey = payload.subarray(8, 24);
    const { key, iv } = deriveAesKeyIv(this.authKey, msgKey, "serverToClient");
    const plain = aesIgeDecrypt(key, iv, payload.subarray(24));
    const body = plain.subarray(32, 32 + plain.readUInt32LE(28));
    const constructorId = body.readUInt32LE(0);
    // new_session_created and pushed updates answer nothing.
    if (constructorId !== RPC_RESULT && constructorId !== PONG && constructorId !== FUTURE_SALTS) return;
    const reqMsgId = body.readBigInt64LE(4);
    const waiter = this.pending.get(reqMsgId);
    if (!waiter) return;
    this.pending.delete(reqMsgId);
    if (constructorId !== RPC_RESULT) {
      waiter.resolve(body);
    } else if (body.readUInt32LE(12) === RPC_ERROR) {
      const error = Api.RpcError.fromReader(new BinaryReader(body.subarray(16)));
      waiter.reject(new Error(`${error.errorCode} ${error.errorMessage}`));
    } else {
      waiter.resolve(body.subarray(12));
    }
  }
}
