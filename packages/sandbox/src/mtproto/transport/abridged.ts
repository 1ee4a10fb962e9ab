import {
  ByteQueue,
  type FrameDecoder,
  type FrameEncoder,
  MAX_PAYLOAD_BYTES,
  MIN_PAYLOAD_BYTES,
  type Transport,
  TransportViolation,
} from "./transport.ts";

/** The byte an abridged-transport client sends once, before its first frame. */
export const ABRIDGED_TAG = 0xef;

/**
 * The "abridged" transport: length in 4-byte words, one byte when below 0x7f, otherwise
 * 0x7f followed by three little-endian bytes.
 */
export function createAbridgedTransport(): Transport {
  return { name: "abridged", decoder: new AbridgedDecoder(), encoder: new AbridgedEncoder() };
}

class AbridgedDecoder implements FrameDecoder {
  private readonly queue = new ByteQueue();

  push(chunk: Buffer): Buffer[] {
    this.queue.append(chunk);
    const payloads: Buffer[] = [];
    while (this.queue.length >= 1) {
      const first = this.queue.peek(1)[0]!;
      let headerLength = 1;
      let words = first;
      if (first >= 0x7f) {
        if (this.queue.length < 4) break;
        headerLength = 4;
        words = this.queue.peek(4).readUIntLE(1, 3);
      }
      const length = words * 4;
      if (length < MIN_PAYLOAD_BYTES || length > MAX_PAYLOAD_BYTES) {
        throw new TransportViolation(`abridged transport: impossible frame length ${length}`);
      }
      if (this.queue.length < headerLength + length) break;
      payloads.push(this.queue.take(headerLength + length).subarray(headerLength));
    }
    return payloads;
  }
}

class AbridgedEncoder implements FrameEncoder {
  encode(payload: Buffer): Buffer {
    const words = payload.length / 4;
    if (words < 0x7f) return Buffer.concat([Buffer.from([words]), payload]);
    const header = Buffer.allocUnsafe(4);
    header[0] = 0x7f;
    header.writeUIntLE(words, 1, 3);
    return Buffer.concat([header, payload]);
  }
}
