import { BinaryReader } from "telegram/extensions/index.js";
import { returnBigInt } from "telegram/Helpers.js";

/**
 * gramjs's BinaryReader with a fast readLong. gramjs converts every long through a hex string
 * and `toString(2)` of a big-integer to find its sign, which made parsing a createGroupCall
 * (two longs in its peer) a large share of the sandbox's CPU. Node reads int64 natively; the
 * result is the same big-integer value gramjs's Api classes expect.
 */
export class FastLongReader extends BinaryReader {
  override readLargeInt(bits: number, signed = true): ReturnType<BinaryReader["readLargeInt"]> {
    if (bits !== 64) return super.readLargeInt(bits, signed);
    const bytes = this.read(8);
    return returnBigInt(signed ? bytes.readBigInt64LE(0) : bytes.readBigUInt64LE(0));
  }
}
