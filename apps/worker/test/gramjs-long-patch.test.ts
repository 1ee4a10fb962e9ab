import { extensions, helpers } from "telegram";
import { describe, expect, it } from "vitest";

// patches/telegram@2.26.22.patch reads and writes gramjs's 64-bit fields (ids, access hashes,
// message ids) through native BigInt. These are the values MTProto's two's complement
// little-endian longs must keep (core.telegram.org/mtproto/serialize: long is 64 bits, signed).
const { readBigIntFromBuffer, toSignedLittleBuffer } = helpers;
const bytes = (hex: string) => Buffer.from(hex, "hex");

describe("gramjs's 64-bit reads and writes (patched)", () => {
  it("reads signed longs as two's complement, least significant byte first", () => {
    const cases: Array<[string, string]> = [
      ["0000000000000000", "0"],
      ["0100000000000000", "1"],
      ["ffffffffffffffff", "-1"],
      ["0000000000000080", "-9223372036854775808"],
      ["ffffffffffffff7f", "9223372036854775807"],
      ["5a80b6a8f6c9f3b4", "-5407756666312163238"],
    ];
    for (const [hex, value] of cases) {
      expect(new extensions.BinaryReader(bytes(hex)).readLong().toString(), hex).toBe(value);
      expect(readBigIntFromBuffer(bytes(hex), true, true).toString(), hex).toBe(value);
    }
  });

  it("reads unsigned and big-endian values and other widths as before", () => {
    expect(readBigIntFromBuffer(bytes("ffffffffffffffff"), true, false).toString()).toBe(
      "18446744073709551615",
    );
    expect(readBigIntFromBuffer(bytes("8000000000000000"), false, true).toString()).toBe(
      "-9223372036854775808",
    );
    // 128-bit nonces (auth key exchange) and 32-bit values take the generic path.
    expect(readBigIntFromBuffer(bytes("ff".repeat(16)), true, true).toString()).toBe("-1");
    expect(readBigIntFromBuffer(bytes(`01${"00".repeat(15)}`), false, false).toString()).toBe(
      (2n ** 120n).toString(),
    );
    expect(readBigIntFromBuffer(bytes("feffffff"), true, true).toString()).toBe("-2");
  });

  it("writes what it reads, for negative and positive values and other widths", () => {
    for (const hex of ["0000000000000080", "ffffffffffffffff", "5a80b6a8f6c9f3b4", "0100000000000000"]) {
      const value = readBigIntFromBuffer(bytes(hex), true, true);
      expect(toSignedLittleBuffer(value, 8).toString("hex")).toBe(hex);
    }
    expect(toSignedLittleBuffer(-2, 4).toString("hex")).toBe("feffffff");
    expect(toSignedLittleBuffer(258, 2).toString("hex")).toBe("0201");
  });
});
