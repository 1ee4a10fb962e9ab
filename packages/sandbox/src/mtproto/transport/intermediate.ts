import {
  ByteQueue,
  type FrameDecoder,
  type FrameEncoder,
  MAX_PAYLOAD_BYTES,
  MIN_PAYLOAD_BYTES,
  type Transport,
  TransportViolation,
} from "./transport.ts";

/** The tag an intermediate-transport client sends once, before its first frame. */
export const INTERMEDIATE_TAG = Buffer.from([0xee, 0xee, 0xee, 0xee]);

/** The "intermediate" transport (mtcute's default): `len:uint32LE | payload` frames. */
export function createIntermediateTransport(): Transport {
  return { name: "intermediate", decoder: new IntermediateDecoder(), encoder: new IntermediateEncoder() };
}

class IntermediateDecoder implements FrameDecoder {
  private readonly queue = new ByteQueue();

  push(chunk: Buffer): Buffer[] {
    this.queue.append(chunk);
    const payloads: Buffer[] = [];
    while (this.queue.length >= 4) {
      // The top bit would ask for a quick ack; the sandbox does not offer them.
      const length = this.queue.peek(4).readUInt32LE(0);
      if (length < MIN_PAYLOAD_BYTES || length > MAX_PAYLOAD_BYTES || length % 4 !== 0) {
        throw new TransportViolation(`intermediate transport: impossible frame length ${length}`);
      }
      if (this.queue.length < 4 + length) break;
      payloads.push(this.queue.take(4 + length).subarray(4));
    }
    return payloads;
  }
}

class IntermediateEncoder implements FrameEncoder {
  encode(payload: Buffer): Buffer {
    const frame = Buffer.allocUnsafe(payload.length + 4);
    frame.writeUInt32LE(payload.length, 0);
    payload.copy(frame, 4);
    return frame;
  }
}
