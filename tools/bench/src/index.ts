// @callbot/bench: `pnpm bench` (src/main.ts); runBench is exported for the package's own test.
export { type BenchOptions, DEFAULT_BENCH_OPTIONS, parseBenchArgs } from "./options.ts";
export { evaluateTargets, type TargetCheck } from "./report/evaluate-targets.ts";
export { renderMarkdown } from "./report/render-markdown.ts";
export { type BenchResult, runBench } from "./run-bench.ts";
export { type RoundRobinProxy, startRoundRobinProxy } from "./scale/round-robin-proxy.ts";
export { type BenchSeat, type BenchWorld, buildBenchWorld } from "./world/bench-world.ts";
