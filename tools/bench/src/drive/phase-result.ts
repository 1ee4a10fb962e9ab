import type { CountersSnapshot } from "@callbot/sandbox";
import { type PerNewCallCost, perNewCallCost } from "../cost/per-newcall-cost.ts";
import type { PhaseName } from "../options.ts";
import type { CpuSnapshot } from "../processes/cpu-time.ts";
import { type LatencySummary, summariseLatencies } from "../stats/latency-summary.ts";
import { outcomeOf } from "./newcall-tracker.ts";
import type { DriveResult } from "./send-newcalls.ts";
import type { StageBreakdown } from "./stage-breakdown.ts";

/** Which phase a row belongs to; "warm-up" rows are a phase's cold-cache pass, reported as such. */
export type PhaseKind = PhaseName | "warm-up";

export interface PhaseResult {
  name: string;
  kind: PhaseKind;
  /** The machine's 1-minute load average when the phase began and ended. */
  loadAvg: { start: number; end: number };
  requests: number;
  created: number;
  failed: number;
  refused: number;
  /** No final answer within the settle timeout. */
  lost: number;
  /** What the bench actually offered, per second (first to last send). */
  offeredPerSecond: number;
  /** Calls created per second, from the first send to the last final edit. */
  throughputPerSecond: number;
  /** User message sent -> the bot's "Queued" reply. */
  ackMs: LatencySummary | undefined;
  /** User message sent -> the reply edited with the result. */
  endToEndMs: LatencySummary | undefined;
  cost: PerNewCallCost;
  /** Where the end-to-end time went, from BullMQ's job timestamps. */
  stages: StageBreakdown;
  /** CPU ms each process spent per /newcall over the phase (the sandbox runs in the bench's process). */
  cpuMsPerNewCall: CpuSnapshot & { total: number | undefined };
  /** Up to three final texts that were not "created", to show why. */
  examplesOfFailures: string[];
}

export function phaseResult(
  label: { name: string; kind: PhaseKind; loadAvg: { start: number; end: number } },
  drive: DriveResult,
  counters: CountersSnapshot,
  stages: StageBreakdown,
  cpuMsPerNewCall: PhaseResult["cpuMsPerNewCall"],
): PhaseResult {
  const { requests } = drive;
  const outcomes = requests.map(outcomeOf);
  const countOf = (o: string) => outcomes.filter((x) => x === o).length;
  const created = countOf("created");
  const lastFinal = Math.max(drive.firstSentAt, ...requests.map((r) => r.finalAt ?? 0));
  const sendSpanS = (drive.lastSentAt - drive.firstSentAt) / 1000;
  const spanS = (lastFinal - drive.firstSentAt) / 1000;
  const acked = requests.filter((r) => r.ackAt !== undefined);
  const finished = requests.filter((r) => r.finalAt !== undefined);
  return {
    ...label,
    requests: requests.length,
    created,
    failed: countOf("failed"),
    refused: countOf("refused"),
    lost: countOf("lost"),
    offeredPerSecond: sendSpanS > 0 ? round((requests.length - 1) / sendSpanS) : 0,
    throughputPerSecond: spanS > 0 ? round(created / spanS) : 0,
    ackMs: summariseLatencies(acked.map((r) => r.ackAt! - r.sentAt)),
    endToEndMs: summariseLatencies(finished.map((r) => r.finalAt! - r.sentAt)),
    cost: perNewCallCost(counters, created),
    stages,
    cpuMsPerNewCall,
    examplesOfFailures: requests
      .filter((r) => outcomeOf(r) !== "created")
      .slice(0, 3)
      .map((r) => `${outcomeOf(r)}: ${r.finalText ?? r.ackText ?? "(no answer)"}`),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
