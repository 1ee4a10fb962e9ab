import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_NODE_FLAGS } from "@callbot/bot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BenchResult, DEFAULT_BENCH_OPTIONS, runBench } from "../src/index.ts";
import { writeResults } from "../src/report/write-results.ts";

/**
 * The benchmark's measurement core on a tiny run: the real sandbox, the bot and the worker as
 * child processes, a real Redis. Timings depend on the machine, so only correctness is
 * asserted: every request answered, and what each one cost in Telegram requests.
 */
describe("runBench on every phase, in small", () => {
  let result: BenchResult;
  let outDir: string;

  beforeAll(async () => {
    result = await runBench({
      ...DEFAULT_BENCH_OPTIONS,
      lowRate: 20,
      lowRequests: 4,
      // 12 chats over 3 s, RSS sampled every second.
      soakMinutes: 0.05,
      soakRate: 4,
      soakSampleSeconds: 1,
      fixedRateRequests: 8,
      rate: 50,
      maxRateRequests: 12,
      maxInFlight: 4,
      publicRequests: 4,
      botApiBaselineRequests: 5,
      idleSeconds: 1,
      redisUrl: process.env.REDIS_URL ?? DEFAULT_BENCH_OPTIONS.redisUrl,
    });
    outDir = await mkdtemp(join(tmpdir(), "callbot-bench-"));
  }, 150_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("answers every request of every phase with a created call, none lost", () => {
    expect(result.phases.map((p) => [p.name, p.requests, p.created, p.lost])).toEqual([
      ["cold caches, before 20/s offered (low load), private chats", 4, 4, 0],
      ["20/s offered (low load), private chats", 4, 4, 0],
      ["cold caches, before 50/s offered, private chats", 8, 8, 0],
      ["50/s offered, private chats", 8, 8, 0],
      ["cold caches, before maximum rate, private chats", 12, 12, 0],
      ["maximum rate, private chats", 12, 12, 0],
      ["cold caches, before 50/s offered, public chats", 4, 4, 0],
      ["50/s offered, public chats", 4, 4, 0],
      ["soak: 4/s for 0.05 min, 12 chats", 12, 12, 0],
    ]);
    for (const phase of result.phases) {
      expect(phase.ackMs?.count).toBe(phase.requests);
      expect(phase.endToEndMs?.count).toBe(phase.requests);
    }
  });

  it("costs the chat's call check, one createGroupCall and two Bot API sends per plain /newcall once caches are warm", () => {
    const steady = result.phases.filter((p) => p.kind === "low" || p.kind === "rate" || p.kind === "max");
    expect(steady).toHaveLength(3);
    for (const phase of steady) {
      const { methods } = phase.cost;
      expect(methods.mtproto).toEqual({
        "channels.getFullChannel": phase.created,
        "phone.createGroupCall": phase.created,
      });
      expect(methods.botApi.sendMessage).toBe(phase.created);
      expect(methods.botApi.editMessageText).toBe(phase.created);
      expect(methods.botApi.getChatMember).toBeUndefined();
      expect(phase.cost.mtproto).toBe(2);
      expect(phase.cost.botApi).toBe(2);
    }
  });

  it("adds the invite link export in public chats", () => {
    const publicPhase = result.phases.find((p) => p.name === "50/s offered, public chats")!;
    expect(publicPhase.cost.methods.mtproto).toEqual({
      "channels.getFullChannel": 4,
      "phone.createGroupCall": 4,
      "phone.exportGroupCallInvite": 4,
    });
  });

  it("samples both processes' RSS through the soak, from its start to its end, with a slope", () => {
    const soak = result.soak!;
    // At 0 s, every second, and once at the end: at least 4 samples over 3 s of sending.
    expect(soak.samples.length).toBeGreaterThanOrEqual(4);
    expect(soak.samples[0]!.atMinute).toBe(0);
    for (const sample of soak.samples) {
      expect(sample.botBytes).toBeGreaterThan(0);
      expect(sample.workerBytes).toBeGreaterThan(0);
    }
    expect(soak.slopeMbPerMinute.bot).toEqual(expect.any(Number));
    expect(soak.slopeMbPerMinute.worker).toEqual(expect.any(Number));
  });

  it("records the load average at the start and end of every phase", () => {
    for (const phase of result.phases) {
      expect(phase.loadAvg.start).toBeGreaterThanOrEqual(0);
      expect(phase.loadAvg.end).toBeGreaterThanOrEqual(0);
    }
  });

  it("measures the baselines, the processes, and writes both result files", async () => {
    // One direct createGroupCall per chat of the run: 4 + 8 + 12 + 12 private, 4 public.
    expect(result.baseline.createGroupCall.calls).toBe(40);
    expect(result.baseline.createGroupCall.roundTripMs?.count).toBe(40);
    expect(result.baseline.botApi.roundTripMs?.count).toBe(5);
    expect(result.coldStartMs.worker).toBeGreaterThan(0);
    expect(result.peakRssBytes.bot).toBeGreaterThan(0);
    expect(result.peakRssBytes.worker).toBeGreaterThan(0);

    const table = await writeResults(result, outDir);
    const json = JSON.parse(await readFile(join(outDir, "latest.json"), "utf8")) as { targets: unknown[] };
    expect(json.targets).toHaveLength(9);
    expect(await readFile(join(outDir, "latest.md"), "utf8")).toBe(table);
    expect(table).toMatch(/\| maximum rate, private chats \| [\d.]+ → [\d.]+ \| 12 \| 12 \| 0 \|/);
    expect(table).toContain("| slope |");
  });

  it("measures what the bot, the worker and Redis cost with no traffic, and reports it", async () => {
    const idle = result.idleCpuMsPerSecond!;
    expect(idle.seconds).toBe(1);
    for (const which of ["bot", "worker", "redis"] as const) expect(idle[which]).toBeGreaterThanOrEqual(0);
    const table = await writeResults(result, outDir);
    expect(table).toMatch(
      /Idle, no traffic for 1 s before the first phase \(CPU ms per second\): bot [\d.]+, worker [\d.]+, Redis [\d.]+\./,
    );
  });

  it("runs the bot with the node flags it is deployed with, and says so in the report", async () => {
    expect(BOT_NODE_FLAGS.length).toBeGreaterThan(0);
    expect(result.nodeFlags.bot).toEqual([...BOT_NODE_FLAGS]);
    expect(result.nodeFlags.worker).toEqual([]);
    const table = await writeResults(result, outDir);
    expect(table).toContain(
      `Node flags: bot ${BOT_NODE_FLAGS.map((flag) => `\`${flag}\``).join(" ")}, worker none.`,
    );
  });
});
