import { describe, expect, it } from "vitest";
import { renderHelp, renderStart } from "../src/features/help-text.ts";

describe("/help and /start", () => {
  it("fit one Telegram message (4096 characters), with the longest names they can carry", () => {
    const facts = {
      botUsername: "a".repeat(32),
      assistant: `@${"b".repeat(32)}`,
      timeZone: "America/Argentina/ComodRivadavia",
    };
    expect(renderHelp(facts).length).toBeLessThanOrEqual(4096);
    expect(renderStart(facts).length).toBeLessThanOrEqual(4096);
  });
});
