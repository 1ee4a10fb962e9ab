import { describe, expect, it } from "vitest";
import { splitLongText } from "../src/telegram/split-long-text.ts";

describe("splitLongText", () => {
  it("keeps a text within the limit whole", () => {
    expect(splitLongText("short\n\ntext", 20)).toEqual(["short\n\ntext"]);
  });
  it("cuts at the last paragraph break before the limit, then at a line break, then hard", () => {
    expect(splitLongText("aaaa\n\nbbbb\n\ncccc", 12)).toEqual(["aaaa\n\nbbbb", "cccc"]);
    expect(splitLongText("aaaa\nbbbb\ncccc", 12)).toEqual(["aaaa\nbbbb", "cccc"]);
    expect(splitLongText("abcdefghij", 4)).toEqual(["abcd", "efgh", "ij"]);
  });
  it("never makes a part longer than the limit", () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${"x".repeat(i % 40)}`).join("\n");
    const parts = splitLongText(text, 500);
    expect(parts.every((part) => part.length <= 500)).toBe(true);
    expect(parts.join("\n")).toBe(text);
  });
});
