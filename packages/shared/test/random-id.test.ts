import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jobIdForCommand, randomIdFromKey } from "../src/index.ts";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

describe("randomIdFromKey", () => {
  it("is never 0 and always a 32-bit signed integer", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (key) => {
        const id = randomIdFromKey(key);
        expect(Number.isInteger(id)).toBe(true);
        expect(id).not.toBe(0);
        expect(id).toBeGreaterThanOrEqual(INT32_MIN);
        expect(id).toBeLessThanOrEqual(INT32_MAX);
      }),
      { numRuns: 2_000 },
    );
  });

  it("gives the same value for the same key, every time", () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        // A copy built separately, so the check is about the content, not the object.
        const copy = [...key].join("");
        expect(randomIdFromKey(copy)).toBe(randomIdFromKey(key));
      }),
    );
    // Pinned values: the id must not change between releases, or a job retried across an
    // upgrade would send a different random_id and could create a second call.
    expect(randomIdFromKey("")).toBe(-474954686);
    expect(randomIdFromKey("newcall_-1001500000001_42")).toBe(55303670);
  });

  it("spreads different keys: 10,000 distinct keys give fewer than 5 collisions", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 40 }), { minLength: 10_000, maxLength: 10_000 }),
        (keys) => {
          const ids = new Set(keys.map(randomIdFromKey));
          expect(keys.length - ids.size).toBeLessThan(5);
        },
      ),
      { numRuns: 3 },
    );
  });

  it("spreads the keys the bot really makes (command ids of neighbouring messages)", () => {
    const keys = Array.from({ length: 10_000 }, (_, index) => jobIdForCommand(-1001500000001, index + 1));
    const ids = keys.map(randomIdFromKey);
    expect(keys.length - new Set(ids).size).toBeLessThan(5);
    // Both signs occur: the whole int32 range is used, not just half of it.
    expect(ids.some((id) => id < 0)).toBe(true);
    expect(ids.some((id) => id > 0)).toBe(true);
  });
});
