import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { aesIgeDecrypt, aesIgeEncrypt } from "../src/mtproto/crypto/ige.ts";
import { computeMessageKey, deriveAesKeyIv } from "../src/mtproto/crypto/message-key.ts";
import { authKeyIdOf } from "../src/mtproto/session/auth-key-registry.ts";
import { createFullTransport } from "../src/mtproto/transport/full.ts";

const RPC_RESULT = 0xf35c6d01;
const RPC_ERROR = Api.RpcError.CONSTRUCTOR_ID >>> 0;

/**
 * A deliberately lean MTProto client for the benchmark: node crypto, pre-serialised requests,
 * no big-integer. It measures what the sandbox itself can serve, which one gramjs client (whose
 * own CPU cost per call is several times the sandbox's) cannot show.
 */
export class RawMtprotoClient {
  private readonly transport = createFullTransport();
  private readonly authKeyId: Buffer;
  private readonly sessionId = randomBytes(8).readBigInt64LE(0);
  private lastMsgId = 0n;
  private seq = 0;
  private readonly pending = new Map<bigint, { resolve: () => void; reject: (error: Error) => void }>();

  private constructor(
    private readonly socket: Socket,
    private readonly authKey: Buffer,
  ) {
    this.authKeyId = authKeyIdOf(authKey);
    socket.on("data", (chunk: Buffer) => {
      for (const payload of this.transport.decoder.push(chunk)) this.onPayload(payload);
    });
  }

  /** Connects with the auth key inside a sandbox-issued gramjs StringSession. */
  static async connect(host: string, port: number, session: string): Promise<RawMtprotoClient> {
    const authKey = Buffer.from(session.slice(1), "base64").subarray(-256);
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    socket.setNoDelay(true);
    return new RawMtprotoClient(socket, authKey);
  }

  /** Sends one serialised request and resolves on its rpc_result (rejects on rpc_error). */
  invoke(body: Buffer): Promise<void> {
    const msgId = this.nextMsgId();
    const promise = new Promise<void>((resolve, reject) => this.pending.set(msgId, { resolve, reject }));
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
    if (body.readUInt32LE(0) !== RPC_RESULT) return; // new_session_created, pushes
    const reqMsgId = body.readBigInt64LE(4);
    const waiter = this.pending.get(reqMsgId);
    if (!waiter) return;
    this.pending.delete(reqMsgId);
    if (body.readUInt32LE(12) === RPC_ERROR) {
      const error = Api.RpcError.fromReader(new BinaryReader(body.subarray(16)));
      waiter.reject(new Error(`${error.errorCode} ${error.errorMessage}`));
    } else {
      waiter.resolve();
    }
  }
}
