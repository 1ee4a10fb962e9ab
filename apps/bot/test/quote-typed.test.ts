import { describe, expect, it } from "vitest";
import { quoteTyped } from "../src/newcall/quote-typed.ts";

/** Checklist line 38 at the level of the quoting rule; the pipeline test is in tests/faults/test/bad-input.test.ts. */
describe("quoteTyped", () => {
  it.each([
    ["tomorrow 25:99", '"tomorrow 25:99"'],
    ["2026-12-01T18:00", '"2026-12-01T18:00"'],
    ["every funday 18:00", '"every funday 18:00"'],
    ["--loud", '"--loud"'],
    ["evil\u202Egnp", '"evilgnp"'],
    ["a\u2066b\u2069\u200Fc", '"abc"'],
    ["Video\u3164chat", '"Videochat"'],
    ["x".repeat(60), `"${"x".repeat(39)}…"`],
    ["😀".repeat(45), `"${"😀".repeat(39)}…"`], // cut by code point, never inside a surrogate pair
  ])("%j is quoted as %j", (raw, quoted) => {
    expect(quoteTyped(raw)).toBe(quoted);
  });

  it.each([
    ["https://t.me/+phish"],
    ["--\u2705\u3164live:\u3164https://t.me/+phish\u202Eoof"],
    ["t.me/joinchat"],
    ["evil.example.com"],
    ["WWW.EXAMPLE.ORG"],
    ["@phisher"],
    ["#promo"],
    ["$SCAM"],
    ["mail me@host.io"],
    ["tg://resolve"],
    ["run /start"],
    [""],
    ["\u3164\u202E\u200B"],
  ])("%j is not echoed (a link, or nothing visible)", (raw) => {
    expect(quoteTyped(raw)).toBeUndefined();
  });
});
