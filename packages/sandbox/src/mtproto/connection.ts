import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { Api } from "telegram";
import {
  decryptClientMessage,
  encryptServerMessage,
  ProtocolViolation,
  readAuthKeyId,
} from "./crypto/encrypted-message.ts";
import { KeyExchange } from "./handshake/key-exchange.ts";
import type { ServerRsaKey } from "./handshake/server-rsa-key.ts";
import { long } from "./rpc/tl-mappers.ts";
import { type AuthKeyRegistry, authKeyIdOf, type RegisteredAuthKey } from "./session/auth-key-registry.ts";
import { ServerMessageIds } from "./session/server-message-ids.ts";
import { detectTransport } from "./transport/detect.ts";
import type { Transport } from "./transport/transport.ts";

export interface ConnectionHandlers {
  /** The auth keys of this connection's data centre. */
  registry: AuthKeyRegistry;
  /** Encrypts the first secret of a key exchange (req_DH_params). */
  rsaKey: ServerRsaKey;
  /** One decrypted message body (may be a container) from an authenticated client. */
  onMessage(connection: ClientConnection, msgId: bigint, body: Buffer): void;
  onClose(connection: ClientConnection): void;
}

/** A message under an auth key this data centre does not know (never made here, or forgotten). */
class UnknownAuthKey extends ProtocolViolation {}

/** auth_key_id of an unencrypted message: only the key exchange is sent without a key. */
const NO_AUTH_KEY = "0000000000000000";

/**
 * One TCP client: transport framing, the auth-key exchange, MTProto 2.0 encryption and the
 * per-connection counters (server msg_ids, seq_no). Anything unreadable (garbage, a bad CRC,
 * an unknown auth key, a wrong msg_key) closes this connection only.
 */
export class ClientConnection {
  /** The auth key this client uses (and through it, the account it is logged in to); set by its first encrypted message. */
  account: RegisteredAuthKey | undefined;
  /** The layer announced with invokeWithLayer. */
  layer: number | undefined;
  closed = false;

  private transport: Transport | undefined;
  private head: Buffer = Buffer.alloc(0);
  private readonly msgIds = new ServerMessageIds();
  private contentMessagesSent = 0;
  private corked = false;
  private sessionId: bigint | undefined;
  private keyExchange: KeyExchange | undefined;
  /** The salt this connection announces in new_session_created (any salt is accepted). */
  readonly serverSalt = randomBytes(8).readBigInt64LE(0);

  constructor(
    private readonly socket: Socket,
    private readonly handlers: ConnectionHandlers,
  ) {
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => this.close());
    socket.on("close", () => this.close());
  }

  /** The user this connection's auth key is logged in as; undefined before auth.signIn. */
  get accountId(): number | undefined {
    return this.account?.userId;
  }

  /** Sends one content-related message (rpc_result, pong, updates...). */
  send(body: Buffer, kind: "response" | "push"): void {
    if (this.closed || !this.account || !this.transport || this.sessionId === undefined) return;
    const encrypted = encryptServerMessage(this.account.key, this.account.id, {
      salt: this.serverSalt,
      sessionId: this.sessionId,
      msgId: this.msgIds.next(kind),
      seqNo: this.contentMessagesSent * 2 + 1,
      body,
    });
    this.contentMessagesSent += 1;
    // Answers to one container (or one burst of pushes) leave in one write: a syscall per
    // frame was a visible share of the sandbox's CPU with many requests in flight.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(this.transport.encoder.encode(encrypted));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // A socket ended with a last frame (a transport error) is left to flush it and close.
    if (!this.socket.writableEnded) this.socket.destroy();
    else setTimeout(() => this.socket.destroy(), 1_000).unref();
    this.handlers.onClose(this);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const payload of this.decodeFrames(chunk)) {
        this.onPayload(payload);
        if (this.closed) return;
      }
    } catch (error) {
      if (error instanceof UnknownAuthKey && this.transport) {
        // mtproto/mtproto-transports, "Transport errors": a key the server does not know gets
        // the 4-byte error -404 before the connection ends (gramjs then reports the key broken).
        const code = Buffer.alloc(4);
        code.writeInt32LE(-404, 0);
        this.socket.end(this.transport.encoder.encode(code));
      }
      // Garbage, a truncated or corrupt frame, a wrong msg_key: a real server drops the
      // connection without an answer, and so does the sandbox. Other clients are unaffected.
      this.close();
    }
  }

  private decodeFrames(chunk: Buffer): Buffer[] {
    if (this.transport) return this.transport.decoder.push(chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const detected = detectTransport(this.head);
    if (!detected) return [];
    this.transport = detected.transport;
    const rest = this.head.subarray(detected.tagLength);
    this.head = Buffer.alloc(0);
    return this.transport.decoder.push(rest);
  }

  private onPayload(payload: Buffer): void {
    const keyId = readAuthKeyId(payload);
    if (keyId === NO_AUTH_KEY) {
      this.onUnencrypted(payload);
      return;
    }
    const registered = this.handlers.registry.find(keyId);
    if (!registered) throw new UnknownAuthKey("unknown auth key");
    // Compared by key id: loading a world re-registers the same keys as new objects.
    if (this.account && !this.account.id.equals(registered.id)) {
      throw new ProtocolViolation("auth key changed mid-connection");
    }
    const message = decryptClientMessage(registered.key, payload);
    this.account = registered;
    if (this.sessionId !== message.sessionId) {
      this.sessionId = message.sessionId;
      this.announceNewSession(message.msgId);
    }
    this.handlers.onMessage(this, message.msgId, message.body);
  }

  /**
   * `auth_key_id = 0 | msg_id | length | body`, both ways (mtproto/description, "Unencrypted
   * messages"): the steps of the key exchange, before any key exists.
   */
  private onUnencrypted(payload: Buffer): void {
    if (payload.length < 24) throw new ProtocolViolation("unencrypted message too short");
    const length = payload.readInt32LE(16);
    if (length < 4 || 20 + length > payload.length) throw new ProtocolViolation("unencrypted message length");
    this.keyExchange ??= new KeyExchange(this.handlers.rsaKey, (authKey) => {
      if (this.handlers.registry.find(authKeyIdOf(authKey).toString("hex"))) return false;
      this.handlers.registry.register(authKey, undefined);
      return true;
    });
    const answer = this.keyExchange.answer(payload.subarray(20, 20 + length));
    const header = Buffer.alloc(20);
    header.writeBigInt64LE(this.msgIds.next("response"), 8);
    header.writeInt32LE(answer.length, 16);
    if (this.transport) this.socket.write(this.transport.encoder.encode(Buffer.concat([header, answer])));
  }

  /** Tells the client the salt to use from now on (it starts with salt 0). */
  private announceNewSession(firstMsgId: bigint): void {
    const notice = new Api.NewSessionCreated({
      firstMsgId: long(firstMsgId),
      uniqueId: long(randomBytes(8).readBigInt64LE(0)),
      serverSalt: long(this.serverSalt),
    });
    this.send(notice.getBytes(), "push");
  }
}
