import type { BenchResult } from "../run-bench.ts";
import type { LatencySummary } from "../stats/latency-summary.ts";
import {
  evaluateTargets,
  FLAT_MB_PER_MINUTE,
  mb,
  ownCostMs,
  phaseOfKind,
  ratio,
  signedMs,
} from "./evaluate-targets.ts";

/** The run as Markdown: phases, cost, baselines and overhead ratios, then the targets. */
export function renderMarkdown(result: BenchResult): string {
  const lines: string[] = [];
  const { machine } = result;
  lines.push(
    `Run ${result.startedAt} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${result.durationS} s in all, ` +
      `load average ${machine.loadAvg.before} before, ${machine.loadAvg.after} after. ` +
      `${result.world.owners} owners, ${result.world.privateChats} private and ${result.world.publicChats} public chats. ` +
      `Phases: ${result.options.phases.join(", ")}.`,
    "",
  );
  const busiest = Math.max(
    machine.loadAvg.before,
    machine.loadAvg.after,
    ...result.phases.map((p) => p.loadAvg.end),
  );
  if (busiest > machine.cpus)
    lines.push(
      `**A busy machine:** the load average reached ${busiest} on ${machine.cpus} cores (other work shared them), ` +
        "so absolute rates and latencies are worse than a quiet machine's; compare the ratios against this run's own baselines.",
      "",
    );
  lines.push(
    "| phase | load avg start → end | requests | created | lost | offered/s | created/s | ack p50 / p95 / p99 ms | e2e p50 / p95 / p99 ms | own cost ms | e2e p50 over own cost | MTProto per /newcall | Bot API per /newcall (+ getUpdates) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const phase of result.phases) {
    const notCreated = phase.failed + phase.refused;
    const own = ownCostMs(phase, result.baseline);
    const p50 = phase.endToEndMs?.p50;
    const over = p50 === undefined || own === undefined ? "-" : `${signedMs(p50 - own)} (${ratio(p50, own)})`;
    lines.push(
      `| ${phase.name} | ${phase.loadAvg.start} → ${phase.loadAvg.end} | ${phase.requests} | ${phase.created}${notCreated > 0 ? ` (${notCreated} not)` : ""} | ${phase.lost} | ${phase.offeredPerSecond} | ${phase.throughputPerSecond} | ${triple(phase.ackMs)} | ${triple(phase.endToEndMs)} | ${own ?? "-"} | ${over} | ${phase.cost.mtproto} | ${phase.cost.botApi} (+ ${phase.cost.getUpdates}) |`,
    );
  }

  lines.push(
    "",
    "Where the time goes (p50 / p99 ms, from BullMQ's job timestamps):",
    "",
    "| phase | sent → ack | ack → job taken | worker: taken → result added | result waits | bot: taken → edited |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const phase of result.phases) {
    const s = phase.stages;
    lines.push(
      `| ${phase.name} | ${pair(s.sentToAck)} | ${pair(s.ackToTaken)} | ${pair(s.takenToPublished)} | ${pair(s.publishedToPicked)} | ${pair(s.pickedToEdited)} |`,
    );
  }

  lines.push(
    "",
    "CPU per /newcall (ms; hardly depends on other load, unlike the rates): 2 free cores could sustain at most about 2000 ÷ total.",
    "",
    "| phase | bot | worker | Redis | sandbox + bench | total | ≈ /newcall/s on 2 free cores |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const phase of result.phases) {
    const c = phase.cpuMsPerNewCall;
    const capacity = c.total ? Math.round(2000 / c.total) : "-";
    lines.push(
      `| ${phase.name} | ${c.bot ?? "-"} | ${c.worker ?? "-"} | ${c.redis ?? "-"} | ${c.sandboxAndBench ?? "-"} | ${c.total ?? "-"} | ${capacity} |`,
    );
  }

  const idle = result.idleCpuMsPerSecond;
  if (idle)
    lines.push(
      "",
      `Idle, no traffic for ${idle.seconds} s before the first phase (CPU ms per second): bot ${idle.bot ?? "-"}, worker ${idle.worker ?? "-"}, Redis ${idle.redis ?? "-"}.`,
    );

  const { baseline } = result;
  const fixed = phaseOfKind(result, "rate");
  const max = phaseOfKind(result, "max");
  lines.push(
    "",
    "| baseline (same sandbox, same run) | p50 / p95 / p99 ms | rate |",
    "| --- | ---: | ---: |",
    `| phone.createGroupCall, one gramjs client, one at a time (${baseline.createGroupCall.calls}) | ${triple(baseline.createGroupCall.roundTripMs)} | ${baseline.createGroupCall.sequentialPerSecond}/s |`,
    `| Bot API sendMessage with fetch, one at a time (${baseline.botApi.requests}) | ${triple(baseline.botApi.roundTripMs)} | |`,
    `| one /newcall's own cost: 1 MTProto + 2 Bot API round trips (p50) | ${baseline.newCallCostMs ?? "-"} | |`,
    "",
    "A phase's own cost (column above) counts its own requests: the MTProto requests per /newcall it made times the createGroupCall p50, plus its Bot API requests times the sendMessage p50.",
    "",
    "| overhead of the pipeline | ratio |",
    "| --- | ---: |",
    `| e2e p50 at ${result.options.rate}/s ÷ (1 MTProto + 2 Bot API) | ${ratio(fixed?.endToEndMs?.p50, baseline.newCallCostMs)} |`,
    `| ack p50 at ${result.options.rate}/s ÷ 1 Bot API round trip | ${ratio(fixed?.ackMs?.p50, baseline.botApi.roundTripMs?.p50)} |`,
    `| direct sequential createGroupCall/s ÷ pipeline created/s at maximum rate | ${ratio(baseline.createGroupCall.sequentialPerSecond, max?.throughputPerSecond)} |`,
    "",
    `Processes: worker ready ${result.coldStartMs.worker} ms after spawn, bot ${result.coldStartMs.bot} ms; ` +
      `RSS just after ready bot ${mb(result.rssAtReadyBytes.bot)}, worker ${mb(result.rssAtReadyBytes.worker)}; ` +
      `at the end bot ${mb(result.rssAtEndBytes.bot)}, worker ${mb(result.rssAtEndBytes.worker)}; ` +
      `peak RSS (VmHWM) bot ${mb(result.peakRssBytes.bot)}, worker ${mb(result.peakRssBytes.worker)}. ` +
      `Worker start-up: ${result.startupLog.worker.map((l) => `${l.msg} at ${l.ms} ms`).join(", ")}. ` +
      `Node flags: bot ${flagList(result.nodeFlags.bot)}, worker ${flagList(result.nodeFlags.worker)}.`,
  );
  lines.push(...soakSection(result), ...profileSection(result));
  lines.push("", "| target | measured | against this run's baseline | met |", "| --- | --- | --- | --- |");
  for (const check of evaluateTargets(result)) {
    lines.push(
      `| ${check.target} | ${check.measured} | ${check.ratio} | ${check.met === undefined ? "—" : check.met ? "met" : "**missed**"} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function soakSection(result: BenchResult): string[] {
  const { soak } = result;
  if (!soak) return [];
  const lines = [
    "",
    `Soak: RSS of the bot and the worker while the soak ran (slope: least squares from minute 1 on; flat is ≤ ${FLAT_MB_PER_MINUTE} MB/min):`,
    "",
    "| minute | bot RSS | worker RSS | load avg |",
    "| ---: | ---: | ---: | ---: |",
  ];
  for (const sample of soak.samples)
    lines.push(
      `| ${sample.atMinute} | ${mb(sample.botBytes)} | ${mb(sample.workerBytes)} | ${sample.loadAvg1} |`,
    );
  lines.push(
    `| slope | ${soak.slopeMbPerMinute.bot ?? "-"} MB/min | ${soak.slopeMbPerMinute.worker ?? "-"} MB/min | |`,
  );
  return lines;
}

function profileSection(result: BenchResult): string[] {
  if (!result.profile) return [];
  const lines: string[] = [];
  for (const which of ["bot", "worker"] as const) {
    const summary = result.profile[which];
    if (!summary) continue;
    lines.push(
      "",
      `Where the ${which}'s CPU went (node --cpu-prof over the whole run, ${summary.sampledMs} ms sampled; self time):`,
      "",
      `by package: ${summary.byPackage.map((p) => `${p.name} ${p.percent}%`).join(", ")}`,
      "",
      "| function | where | ms | % |",
      "| --- | --- | ---: | ---: |",
      ...summary.byFunction.map((f) => `| ${f.name} | ${f.where} | ${f.ms} | ${f.percent} |`),
    );
  }
  return lines;
}

function pair(summary: LatencySummary | undefined): string {
  return summary ? `${summary.p50} / ${summary.p99}` : "-";
}

function triple(summary: LatencySummary | undefined): string {
  return summary ? `${summary.p50} / ${summary.p95} / ${summary.p99}` : "-";
}

function flagList(flags: readonly string[]): string {
  return flags.length === 0 ? "none" : flags.map((flag) => `\`${flag}\``).join(" ");
}
