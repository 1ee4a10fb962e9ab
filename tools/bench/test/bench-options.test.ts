import { describe, expect, it } from "vitest";
import { DEFAULT_BENCH_OPTIONS, parseBenchArgs } from "../src/options.ts";
import { leastSquaresSlope } from "../src/stats/slope.ts";

describe("pnpm bench options", () => {
  it("runs every phase by default", () => {
    expect(parseBenchArgs([], {}).options.phases).toEqual(["low", "rate", "max", "public", "soak"]);
  });

  it("runs only the phases named, in their fixed order, from --phases or BENCH_PHASES", () => {
    expect(parseBenchArgs(["--", "--phases=soak,low"], {}).options.phases).toEqual(["low", "soak"]);
    expect(parseBenchArgs([], { BENCH_PHASES: "max" }).options.phases).toEqual(["max"]);
    expect(parseBenchArgs(["--phases", "rate"], { BENCH_PHASES: "max" }).options.phases).toEqual(["rate"]);
  });

  it("refuses an unknown phase, naming the ones it knows", () => {
    expect(() => parseBenchArgs(["--phases=low,slow"], {})).toThrow(
      '--phases knows low, rate, max, public, soak; not "slow"',
    );
  });

  it("takes the soak's length and rate as numbers above zero", () => {
    const { options } = parseBenchArgs(["--soak-minutes", "0.5", "--soak-rate", "12", "--low-rate", "1"], {});
    expect([options.soakMinutes, options.soakRate, options.lowRate]).toEqual([0.5, 12, 1]);
    expect(() => parseBenchArgs(["--soak-minutes", "0"], {})).toThrow("--soak-minutes wants a number > 0");
  });

  it("passes extra node flags to the bot and the worker, none by default", () => {
    expect(parseBenchArgs([], {}).options.nodeFlags).toEqual([]);
    expect(
      parseBenchArgs(["--node-flags=--max-semi-space-size=2  --expose-gc"], {}).options.nodeFlags,
    ).toEqual(["--max-semi-space-size=2", "--expose-gc"]);
  });

  it("measures idle CPU for 10 s by default, for as long as --idle-s says, or not at all with 0", () => {
    expect(parseBenchArgs([], {}).options.idleSeconds).toBe(10);
    expect(parseBenchArgs(["--idle-s", "3"], {}).options.idleSeconds).toBe(3);
    expect(parseBenchArgs(["--idle-s", "0"], {}).options.idleSeconds).toBe(0);
    expect(() => parseBenchArgs(["--idle-s", "1.5"], {})).toThrow("--idle-s wants a whole number >= 0");
  });

  it("defaults to a soak of at least 5,000 chats over at least 10 minutes", () => {
    const { soakMinutes, soakRate } = DEFAULT_BENCH_OPTIONS;
    expect(soakMinutes).toBeGreaterThanOrEqual(10);
    expect(soakRate * soakMinutes * 60).toBeGreaterThanOrEqual(5000);
  });
});

describe("leastSquaresSlope", () => {
  it("is the trend of the points: 2 MB a minute, and 0 for a flat line", () => {
    expect(leastSquaresSlope([1, 2, 3, 4].map((x) => ({ x, y: 100 + 2 * x })))).toBeCloseTo(2);
    expect(leastSquaresSlope([1, 2, 3].map((x) => ({ x, y: 150 })))).toBe(0);
  });

  it("is undefined without two distinct minutes", () => {
    expect(leastSquaresSlope([{ x: 1, y: 5 }])).toBeUndefined();
    expect(
      leastSquaresSlope([
        { x: 1, y: 5 },
        { x: 1, y: 7 },
      ]),
    ).toBeUndefined();
  });
});
