import { describe, expect, it } from "vitest";
import { renderHelp, renderStart } from "../src/features/help-text.ts";
import { MAX_MESSAGE_LENGTH, splitLongText } from "../src/telegram/split-long-text.ts";

describe("/help and /start", () => {
  it("go out in messages Telegram accepts (4096 characters each), at most two, with the longest names they can carry", () => {
    const facts = {
      botUsername: "a".repeat(32),
      assistants: [1, 2, 3, 4, 5].map((n) => `@${String(n).repeat(32)}`),
      timeZone: "America/Argentina/ComodRivadavia",
    };
    for (const text of [renderHelp(facts), renderStart(facts)]) {
      const parts = splitLongText(text);
      expect(parts.length).toBeLessThanOrEqual(2);
      for (const part of parts) expect(part.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      // Nothing is lost in the split but the blank lines it cuts at.
      expect(parts.join("\n\n").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " ").trim());
    }
  });
});
