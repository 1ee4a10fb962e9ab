const VECTOR = 0x1cb5c415;

/**
 * A growable little-endian TL writer. gramjs's Api classes serialise through big-integer and
 * many small Buffers, which made them most of the sandbox's CPU per createGroupCall; the hot
 * answers are written with this instead (and checked byte for byte against the Api classes in
 * test/mtproto-tl-writers.test.ts).
 */
export class TlWriter {
  private buffer = Buffer.allocUnsafe(512);
  private offset = 0;

  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  int(value: number): this {
    this.ensure(4);
    this.buffer.writeInt32LE(value, this.offset);
    this.offset += 4;
    return this;
  }

  /** Constructor ids and flag words: unsigned 32-bit. */
  uint(value: number): this {
    this.ensure(4);
    this.buffer.writeUInt32LE(value >>> 0, this.offset);
    this.offset += 4;
    return this;
  }

  /** A TL long from a decimal string (the world's ids and hashes), number or bigint. */
  long(value: string | number | bigint): this {
    this.ensure(8);
    this.buffer.writeBigInt64LE(BigInt.asIntN(64, BigInt(value)), this.offset);
    this.offset += 8;
    return this;
  }

  string(value: string): this {
    return this.bytes(Buffer.from(value, "utf8"));
  }

  /** TL bytes: a 1-byte length below 254, else 0xfe and 3 length bytes; padded to 4. */
  bytes(data: Buffer): this {
    const header = data.length < 254 ? 1 : 4;
    const padding = (4 - ((header + data.length) % 4)) % 4;
    this.ensure(header + data.length + padding);
    if (header === 1) {
      this.buffer[this.offset] = data.length;
    } else {
      this.buffer[this.offset] = 254;
      this.buffer.writeUIntLE(data.length, this.offset + 1, 3);
    }
    data.copy(this.buffer, this.offset + header);
    this.buffer.fill(0, this.offset + header + data.length, this.offset + header + data.length + padding);
    this.offset += header + data.length + padding;
    return this;
  }

  /** A boxed Vector header; the caller writes `count` items after it. */
  vector(count: number): this {
    return this.uint(VECTOR).int(count);
  }

  raw(data: Buffer): this {
    this.ensure(data.length);
    data.copy(this.buffer, this.offset);
    this.offset += data.length;
    return this;
  }

  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.offset));
  }
}

/** Something that can stand in for an Api object where gramjs serialises nested objects. */
export interface RawTl {
  /** Appends this object, boxed, to the writer. */
  writeTo(writer: TlWriter): void;
  /** gramjs's Api containers call this on nested objects. */
  getBytes(): Buffer;
}

export function rawTl(write: (writer: TlWriter) => void): RawTl {
  return {
    writeTo: write,
    getBytes() {
      const writer = new TlWriter();
      write(writer);
      return writer.finish();
    },
  };
}

/** The flag word for a set of (condition, bit) pairs. */
export function flagsOf(bits: [boolean | undefined, number][]): number {
  let flags = 0;
  for (const [set, bit] of bits) if (set) flags |= 1 << bit;
  return flags >>> 0;
}
