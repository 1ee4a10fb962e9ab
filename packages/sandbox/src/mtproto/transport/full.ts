import { crc32 } from "node:zlib";
import {
  ByteQueue,
  type FrameDecoder,
  type FrameEncoder,
  MAX_PAYLOAD_BYTES,
  MIN_PAYLOAD_BYTES,
  type Transport,
  TransportViolation,
} from "./transport.ts";

/**
 * The "full" TCP transport, gramjs's default in Node: no init tag; each frame is
 * `len:int32LE (payload + 12) | seq:int32LE | payload | crc32:uint32LE` with the CRC over
 * len|seq|payload, and seq counting from 0 in each direction.
 */
export function createFullTransport(): Transport {
  return { name: "full", decoder: new FullDecoder(), encoder: new FullEncoder() };
}

class FullDecoder implements FrameDecoder {
  private readonly queue = new ByteQueue();
  private expectedSeq = 0;

  push(chunk: Buffer): Buffer[] {
    this.queue.append(chunk);
    const payloads: Buffer[] = [];
    while (this.queue.length >= 4) {
      const length = this.queue.peek(4).readInt32LE(0);
      if (length < MIN_PAYLOAD_BYTES + 12 || length > MAX_PAYLOAD_BYTES + 12) {
        throw new TransportViolation(`full transport: impossible frame length ${length}`);
      }
      if (this.queue.length < length) break;
      const frame = this.queue.take(length);
      const expectedCrc = frame.readUInt32LE(length - 4);
      if (crc32(frame.subarray(0, length - 4)) !== expectedCrc) {
        throw new TransportViolation("full transport: CRC mismatch");
      }
      const seq = frame.readInt32LE(4);
      if (seq !== this.expectedSeq) {
        throw new TransportViolation(`full transport: frame seq ${seq}, expected ${this.expectedSeq}`);
      }
      this.expectedSeq += 1;
      payloads.push(frame.subarray(8, length - 4));
    }
    return payloads;
  }
}

class FullEncoder implements FrameEncoder {
  private seq = 0;

  encode(payload: Buffer): Buffer {
    const frame = Buffer.allocUnsafe(payload.length + 12);
    frame.writeInt32LE(payload.length + 12, 0);
    frame.writeInt32LE(this.seq, 4);
    payload.copy(frame, 8);
    frame.writeUInt32LE(crc32(frame.subarray(0, payload.length + 8)), payload.length + 8);
    this.seq += 1;
    return frame;
  }
}
