import type { PhaseResult } from "../drive/phase-result.ts";
import type { BenchResult } from "../run-bench.ts";

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: the run did not measure it (a phase was skipped). */
  met: boolean | undefined;
}

const MB = 1024 * 1024;

/** The targets (issue 6, "pnpm bench"), each with what this run measured. */
export function evaluateTargets(result: BenchResult): TargetCheck[] {
  const fixed = phaseNamed(result, "offered, private chats");
  const max = phaseNamed(result, "maximum rate");
  const baselineCost = result.baseline.newCallCostMs;
  const checks: TargetCheck[] = [];

  const e2eP50 = fixed?.endToEndMs?.p50;
  checks.push({
    target: "e2e p50 within 10 ms of the baseline (1 MTProto + 2 Bot API round trips)",
    measured:
      e2eP50 === undefined || baselineCost === undefined
        ? "not measured"
        : `${e2eP50} ms vs ${baselineCost} ms: +${round(e2eP50 - baselineCost)} ms`,
    met: e2eP50 === undefined || baselineCost === undefined ? undefined : e2eP50 - baselineCost <= 10,
  });
  checks.push({
    target: "≥ 300 /newcall/s sustained with zero lost",
    measured: max ? `${max.throughputPerSecond}/s, ${max.lost} lost of ${max.requests}` : "not measured",
    met: max ? max.throughputPerSecond >= 300 && max.lost === 0 : undefined,
  });
  const ackP99 = fixed?.ackMs?.p99;
  checks.push({
    target: `ack p99 < 50 ms at ${result.options.rate}/s offered`,
    measured: ackP99 === undefined ? "not measured" : `${ackP99} ms`,
    met: ackP99 === undefined ? undefined : ackP99 < 50,
  });
  const cost = fixed?.cost;
  checks.push({
    // 2 MTProto: the read of the chat's current call (Telegram allows one call per chat, and a
    // create would end it for everyone) and the create itself.
    target: "steady state: at most 2 MTProto and ≤ 3 Bot API requests per plain /newcall",
    measured: cost
      ? `${cost.mtproto} MTProto, ${cost.botApiWithPolling} Bot API (${cost.botApi} + ${cost.getUpdates} getUpdates)`
      : "not measured",
    met: cost ? cost.mtproto <= 2 && cost.botApiWithPolling <= 3 : undefined,
  });
  checks.push({
    target: "worker ready < 2 s",
    measured: `${result.coldStartMs.worker} ms`,
    met: result.coldStartMs.worker < 2000,
  });
  const { bot, worker } = result.rssAtEndBytes;
  checks.push({
    target: "bot RSS < 120 MB, worker RSS < 200 MB at the end of the run",
    measured: `bot ${mb(bot)}, worker ${mb(worker)} (peak ${mb(result.peakRssBytes.bot)} and ${mb(result.peakRssBytes.worker)})`,
    met: bot === undefined || worker === undefined ? undefined : bot < 120 * MB && worker < 200 * MB,
  });
  return checks;
}

/** A measured (not warm-up) phase whose name contains `fragment`. */
export function phaseNamed(result: BenchResult, fragment: string): PhaseResult | undefined {
  return result.phases.find(
    (phase) => phase.name.includes(fragment) && !phase.name.startsWith("cold caches"),
  );
}

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? "unknown" : `${round(bytes / MB)} MB`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
