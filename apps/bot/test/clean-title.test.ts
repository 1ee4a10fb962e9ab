import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanTitle } from "../src/newcall/clean-title.ts";

describe("cleanTitle", () => {
  it.each([
    ["Weekly sync", "Weekly sync"],
    ["  spaced \t out\n\ntitle  ", "spaced out title"],
    ["evil\u202Egnp.exe", "evilgnp.exe"],
    ["a\u2066b\u2069c\u200Fd\u200Ee\u061Cf", "abcdef"],
    ["zero\u200Bwidth\uFEFF", "zerowidth"],
    ["bell\u0007 and nul\u0000", "bell and nul"],
    ["<b>not bold</b> & co", "<b>not bold</b> & co"],
    ["family 👨\u200D👩\u200D👧", "family 👨\u200D👩\u200D👧"],
    ["lone \uD800 surrogate", "lone surrogate"],
  ])("%j -> %j", (raw, expected) => {
    expect(cleanTitle(raw)).toEqual({ ok: true, title: expected });
  });

  it.each([[""], ["   "], ["\u202E\u202C"], ["\n\t"]])(
    "%j is no title (Telegram uses the chat's name)",
    (raw) => {
      expect(cleanTitle(raw)).toEqual({ ok: true, title: undefined });
    },
  );

  it("64 characters fit, 65 are refused with the length", () => {
    expect(cleanTitle("x".repeat(64))).toEqual({ ok: true, title: "x".repeat(64) });
    expect(cleanTitle("x".repeat(65))).toEqual({
      ok: false,
      error: { kind: "title-too-long", length: 65, max: 64 },
    });
  });

  it("the limit applies after cleaning", () => {
    expect(cleanTitle(`${"x".repeat(64)}\u202E\u202E   `)).toEqual({ ok: true, title: "x".repeat(64) });
  });

  it("property: any accepted title is trimmed, at most 64 long, and free of controls and bidi overrides", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (raw) => {
        const result = cleanTitle(raw);
        if (!result.ok) {
          expect(result.error.length).toBeGreaterThan(64);
          return;
        }
        if (result.title === undefined) return;
        expect(result.title.length).toBeGreaterThan(0);
        expect(result.title.length).toBeLessThanOrEqual(64);
        expect(result.title).toBe(result.title.trim());
        // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
        expect(result.title).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
        expect(result.title).not.toMatch(/\s{2}/);
        expect(cleanTitle(result.title)).toEqual(result); // idempotent
      }),
      { numRuns: 2000 },
    );
  });
});
