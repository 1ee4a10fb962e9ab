import { gunzipSync } from "node:zlib";
import { Api } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import type { ClientConnection } from "../connection.ts";
import { ProtocolViolation } from "../crypto/encrypted-message.ts";
import { long } from "./tl-mappers.ts";

const MSG_CONTAINER = 0x73f1f8dc;
const GZIP_PACKED = 0x3072cfa1;
const MSGS_ACK = Api.MsgsAck.CONSTRUCTOR_ID >>> 0;
const PING = Api.Ping.CONSTRUCTOR_ID >>> 0;
const PING_DELAY_DISCONNECT = Api.PingDelayDisconnect.CONSTRUCTOR_ID >>> 0;
const GET_FUTURE_SALTS = Api.GetFutureSalts.CONSTRUCTOR_ID >>> 0;

/** How many future salts a get_future_salts answer may hold (MTProto caps it at 64). */
const MAX_FUTURE_SALTS = 64;

export type RequestSink = (connection: ClientConnection, reqMsgId: bigint, body: Buffer) => void;

/**
 * Service-level MTProto: unpacks msg_container and gzip_packed, ignores msgs_ack, answers
 * ping / ping_delay_disconnect with a bare pong and get_future_salts with future_salts, and
 * hands every other message to `onRequest` as an API request.
 */
export function handleIncomingMessage(
  connection: ClientConnection,
  msgId: bigint,
  body: Buffer,
  onRequest: RequestSink,
  serverSalt: bigint,
): void {
  if (body.length < 4) throw new ProtocolViolation("message body shorter than a constructor");
  const constructorId = body.readUInt32LE(0);
  switch (constructorId) {
    case MSG_CONTAINER:
      for (const inner of unpackContainer(body)) {
        handleIncomingMessage(connection, inner.msgId, inner.body, onRequest, serverSalt);
      }
      return;
    case GZIP_PACKED:
      handleIncomingMessage(connection, msgId, gunzipSync(readTlBytes(body)), onRequest, serverSalt);
      return;
    case MSGS_ACK:
      return;
    case PING:
    case PING_DELAY_DISCONNECT: {
      const pingId = body.readBigInt64LE(4);
      connection.send(new Api.Pong({ msgId: long(msgId), pingId: long(pingId) }).getBytes(), "response");
      return;
    }
    case GET_FUTURE_SALTS: {
      const request = new BinaryReader(body).tgReadObject() as Api.GetFutureSalts;
      connection.send(futureSalts(msgId, Math.min(request.num, MAX_FUTURE_SALTS), serverSalt), "response");
      return;
    }
    default:
      onRequest(connection, msgId, body);
  }
}

/** `msg_container#73f1f8dc messages:vector<%Message>`, each `msg_id:long seqno:int bytes:int body`. */
function unpackContainer(body: Buffer): { msgId: bigint; body: Buffer }[] {
  const count = body.readInt32LE(4);
  const messages: { msgId: bigint; body: Buffer }[] = [];
  let offset = 8;
  for (let i = 0; i < count; i++) {
    if (offset + 16 > body.length) throw new ProtocolViolation("truncated container");
    const msgId = body.readBigInt64LE(offset);
    const length = body.readInt32LE(offset + 12);
    const start = offset + 16;
    if (length < 4 || start + length > body.length) throw new ProtocolViolation("container item overruns");
    messages.push({ msgId, body: body.subarray(start, start + length) });
    offset = start + length;
  }
  return messages;
}

function readTlBytes(body: Buffer): Buffer {
  const reader = new BinaryReader(body);
  reader.readInt(false);
  return reader.tgReadBytes();
}

/**
 * A bare future_salts. The sandbox accepts any salt, so it hands out its connection salt for
 * every period; clients that rotate salts keep working.
 */
function futureSalts(reqMsgId: bigint, count: number, salt: bigint): Buffer {
  const now = Math.floor(Date.now() / 1000);
  const hour = 3600;
  const salts = Array.from(
    { length: Math.max(1, count) },
    (_, i) =>
      new Api.FutureSalt({ validSince: now + i * hour, validUntil: now + (i + 1) * hour, salt: long(salt) }),
  );
  // future_salts uses a bare vector<future_salt>: count, then each salt without its constructor.
  const header = Buffer.allocUnsafe(4 + 8 + 4 + 4);
  header.writeUInt32LE(Api.FutureSalts.CONSTRUCTOR_ID >>> 0, 0);
  header.writeBigInt64LE(reqMsgId, 4);
  header.writeInt32LE(now, 12);
  header.writeInt32LE(salts.length, 16);
  return Buffer.concat([header, ...salts.map((s) => s.getBytes().subarray(4))]);
}
