/**
 * An MTProto TCP transport: how encrypted messages are cut into frames on the byte stream.
 * A decoder is fed raw chunks and returns the whole payloads found so far; an encoder frames
 * one payload. Both keep per-direction state (the "full" transport numbers its frames).
 */
export interface FrameDecoder {
  /** Throws TransportViolation on bytes that cannot be a frame of this transport. */
  push(chunk: Buffer): Buffer[];
}

export interface FrameEncoder {
  encode(payload: Buffer): Buffer;
}

export interface Transport {
  name: "full" | "intermediate" | "abridged";
  decoder: FrameDecoder;
  encoder: FrameEncoder;
}

/** Bytes on the wire that no client of this transport would send; the connection is closed. */
export class TransportViolation extends Error {
  override name = "TransportViolation";
}

/** The largest payload accepted: Telegram's container limit is about 1 MB. */
export const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

/**
 * Smallest payload that can be a message: an unencrypted one (key exchange) is auth_key_id,
 * msg_id, length and one constructor; encrypted ones are longer and checked when decrypted.
 */
export const MIN_PAYLOAD_BYTES = 8 + 8 + 4 + 4;

/** Accumulates chunks so decoders can read across TCP segment boundaries. */
export class ByteQueue {
  private buffered: Buffer = Buffer.alloc(0);

  append(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
  }

  get length(): number {
    return this.buffered.length;
  }

  peek(count: number): Buffer {
    return this.buffered.subarray(0, count);
  }

  take(count: number): Buffer {
    const taken = this.buffered.subarray(0, count);
    this.buffered = this.buffered.subarray(count);
    return taken;
  }
}
