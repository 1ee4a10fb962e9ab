import type { PhaseKind, PhaseResult } from "../drive/phase-result.ts";
import type { BenchResult } from "../run-bench.ts";

export interface TargetCheck {
  target: string;
  measured: string;
  /** The figure against a baseline measured in the same run, where one applies. */
  ratio: string;
  /** undefined: the run did not measure it (a phase was skipped). */
  met: boolean | undefined;
}

const MB = 1024 * 1024;
/** "Flat" for the soak: RSS may rise at most this much per minute after its first minute (10 MB over 10 minutes). */
export const FLAT_MB_PER_MINUTE = 1;

/**
 * A phase's own cost in Telegram round trips, at the same run's baseline p50s: the MTProto
 * requests it counted per /newcall (the chat's call check and the create; the invite link in
 * public chats) times one direct createGroupCall, plus its Bot API requests (the ack and the
 * edit) times one bare sendMessage. What a /newcall costs with no pipeline in between.
 */
export function ownCostMs(phase: PhaseResult, baseline: BenchResult["baseline"]): number | undefined {
  const mtproto = baseline.createGroupCall.roundTripMs?.p50;
  const botApi = baseline.botApi.roundTripMs?.p50;
  if (mtproto === undefined || botApi === undefined) return undefined;
  return round(phase.cost.mtproto * mtproto + phase.cost.botApi * botApi);
}

/** Issue 12's targets, each with what this run measured and its ratio against the same run's baselines. */
export function evaluateTargets(result: BenchResult): TargetCheck[] {
  const { baseline } = result;
  const low = phaseOfKind(result, "low");
  const fixed = phaseOfKind(result, "rate");
  const max = phaseOfKind(result, "max");
  const checks: TargetCheck[] = [];

  const cpu = max?.cpuMsPerNewCall;
  const cpuTotal =
    cpu?.bot === undefined || cpu.worker === undefined || cpu.redis === undefined
      ? undefined
      : round(cpu.bot + cpu.worker + cpu.redis);
  checks.push({
    target: "CPU per /newcall, bot + worker + Redis, at the maximum rate ≤ 4 ms",
    measured:
      cpuTotal === undefined
        ? "not measured"
        : `${cpu?.bot} + ${cpu?.worker} + ${cpu?.redis} = ${cpuTotal} ms`,
    ratio: cpuTotal === undefined ? "-" : `${ratio(cpuTotal, 4)} of the target`,
    met: cpuTotal === undefined ? undefined : cpuTotal <= 4,
  });

  const directRate = baseline.createGroupCall.sequentialPerSecond;
  checks.push({
    target: "sustained ≥ 350 /newcall/s, zero lost",
    measured: max ? `${max.throughputPerSecond}/s, ${max.lost} lost of ${max.requests}` : "not measured",
    ratio: max
      ? `${ratio(max.throughputPerSecond, directRate)} of direct sequential createGroupCall (${directRate}/s)`
      : "-",
    met: max ? max.throughputPerSecond >= 350 && max.lost === 0 : undefined,
  });

  const ackP99 = fixed?.ackMs?.p99;
  const sendP99 = baseline.botApi.roundTripMs?.p99;
  checks.push({
    target: `ack p99 < 10 ms at ${result.options.rate}/s offered`,
    measured: ackP99 === undefined ? "not measured" : `${ackP99} ms`,
    ratio:
      ackP99 === undefined ? "-" : `${ratio(ackP99, sendP99)} one bare sendMessage's p99 (${sendP99} ms)`,
    met: ackP99 === undefined ? undefined : ackP99 < 10,
  });

  const { lowRate, rate } = result.options;
  checks.push(overOwnCost(`e2e p50 at ${lowRate}/s, over its own cost, ≤ +5 ms`, low, baseline));
  checks.push(overOwnCost(`e2e p50 at ${rate}/s, over its own cost, ≤ +5 ms`, fixed, baseline));

  checks.push(soakRss(result, "worker", 200));
  checks.push(soakRss(result, "bot", 120));

  const cost = fixed?.cost;
  checks.push({
    // 2 MTProto: the read of the chat's current call (Telegram allows one call per chat, and a
    // create would end it for everyone) and the create itself.
    target: "steady state: at most 2 MTProto and ≤ 3 Bot API requests per plain /newcall",
    measured: cost
      ? `${cost.mtproto} MTProto, ${cost.botApiWithPolling} Bot API (${cost.botApi} + ${cost.getUpdates} getUpdates)`
      : "not measured",
    ratio: "-",
    met: cost ? cost.mtproto <= 2 && cost.botApiWithPolling <= 3 : undefined,
  });
  checks.push({
    target: "worker ready < 2 s",
    measured: `${result.coldStartMs.worker} ms`,
    ratio: "-",
    met: result.coldStartMs.worker < 2000,
  });
  return checks;
}

function overOwnCost(
  target: string,
  phase: PhaseResult | undefined,
  baseline: BenchResult["baseline"],
): TargetCheck {
  const p50 = phase?.endToEndMs?.p50;
  const own = phase ? ownCostMs(phase, baseline) : undefined;
  if (p50 === undefined || own === undefined)
    return { target, measured: "not measured", ratio: "-", met: undefined };
  return {
    target,
    measured: `${p50} ms against ${own} ms: ${signedMs(p50 - own)}`,
    ratio: `${ratio(p50, own)} its own cost`,
    met: p50 - own <= 5,
  };
}

function soakRss(result: BenchResult, which: "bot" | "worker", limitMb: number): TargetCheck {
  const target = `${which} RSS after the soak < ${limitMb} MB, flat (≤ ${FLAT_MB_PER_MINUTE} MB/min after its first minute)`;
  const last = result.soak?.samples.at(-1);
  const bytes = which === "bot" ? last?.botBytes : last?.workerBytes;
  const slope = result.soak?.slopeMbPerMinute[which];
  const atReady = result.rssAtReadyBytes[which];
  if (bytes === undefined || slope === undefined)
    return { target, measured: "not measured (no soak)", ratio: "-", met: undefined };
  return {
    target,
    measured: `${mb(bytes)}, ${slope} MB/min (peak ${mb(result.peakRssBytes[which])})`,
    ratio: atReady === undefined ? "-" : `${ratio(bytes, atReady)} its RSS at ready (${mb(atReady)})`,
    met: bytes < limitMb * MB && slope <= FLAT_MB_PER_MINUTE,
  };
}

/** The measured (not warm-up) phase of that kind. */
export function phaseOfKind(result: BenchResult, kind: PhaseKind): PhaseResult | undefined {
  return result.phases.find((phase) => phase.kind === kind);
}

export function mb(bytes: number | undefined): string {
  return bytes === undefined ? "unknown" : `${round(bytes / MB)} MB`;
}

/** "+3.2 ms" or "-1.5 ms". */
export function signedMs(ms: number): string {
  return `${ms < 0 ? "-" : "+"}${Math.abs(round(ms))} ms`;
}

/** "2.5×", or "-" when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? "-" : `${Math.round((a / b) * 10) / 10}×`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
