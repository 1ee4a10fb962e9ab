import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { DeadlineError, settleWithin, withDeadline } from "../src/process/deadline.ts";

const never = new Promise<never>(() => undefined);
const logger = pino({ level: "silent" });

describe("withDeadline", () => {
  it("gives the work's own answer when it comes in time", async () => {
    await expect(withDeadline(Promise.resolve("answered"), 1_000, "Redis")).resolves.toBe("answered");
  });

  it("passes the work's own failure on, not a deadline", async () => {
    await expect(withDeadline(Promise.reject(new Error("refused")), 1_000, "Redis")).rejects.toThrow(
      "refused",
    );
  });

  it("rejects with a DeadlineError naming what did not answer when the work hangs", async () => {
    const error = await withDeadline(never, 20, "the calls queue").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as Error).message).toBe("no answer from the calls queue within 20 ms");
  });
});

describe("settleWithin (shutdown steps)", () => {
  it.each<[string, () => Promise<unknown>, boolean]>([
    ["a step that finished", () => Promise.resolve(), true],
    ["a step that failed", () => Promise.reject(new Error("closed already")), false],
    ["a step that hangs", () => never, false],
  ])("%s: never throws, says whether it completed in time", async (_, step, completed) => {
    await expect(settleWithin(step(), 20, "the step", logger)).resolves.toBe(completed);
  });
});
