import type { BenchResult } from "../run-bench.ts";
import type { LatencySummary } from "../stats/latency-summary.ts";
import { evaluateTargets, mb, phaseNamed } from "./evaluate-targets.ts";

/** The run as Markdown: phases, cost, baselines and overhead ratios, then the targets. */
export function renderMarkdown(result: BenchResult): string {
  const lines: string[] = [];
  const { machine } = result;
  lines.push(
    `Run ${result.startedAt} on ${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, ${result.durationS} s in all, ` +
      `load average ${machine.loadAvg.before} before, ${machine.loadAvg.after} after. ` +
      `${result.world.owners} owners, ${result.world.privateChats} private and ${result.world.publicChats} public chats.`,
    "",
    "| phase | requests | created | lost | offered/s | created/s | ack p50 / p95 / p99 ms | e2e p50 / p95 / p99 ms | MTProto per /newcall | Bot API per /newcall (+ getUpdates) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const phase of result.phases) {
    const notCreated = phase.failed + phase.refused;
    lines.push(
      `| ${phase.name} | ${phase.requests} | ${phase.created}${notCreated > 0 ? ` (${notCreated} not)` : ""} | ${phase.lost} | ${phase.offeredPerSecond} | ${phase.throughputPerSecond} | ${triple(phase.ackMs)} | ${triple(phase.endToEndMs)} | ${phase.cost.mtproto} | ${phase.cost.botApi} (+ ${phase.cost.getUpdates}) |`,
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

  const { baseline } = result;
  const fixed = phaseNamed(result, "offered, private chats");
  const max = phaseNamed(result, "maximum rate");
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? "-" : `${Math.round((a / b) * 10) / 10}×`;
  lines.push(
    "",
    "| baseline (same sandbox, same run) | p50 / p95 / p99 ms | rate |",
    "| --- | ---: | ---: |",
    `| phone.createGroupCall, one gramjs client, one at a time (${baseline.createGroupCall.calls}) | ${triple(baseline.createGroupCall.roundTripMs)} | ${baseline.createGroupCall.sequentialPerSecond}/s |`,
    `| Bot API sendMessage with fetch, one at a time (${baseline.botApi.requests}) | ${triple(baseline.botApi.roundTripMs)} | |`,
    `| one /newcall's own cost: 1 MTProto + 2 Bot API round trips (p50) | ${baseline.newCallCostMs ?? "-"} | |`,
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
      `Worker start-up: ${result.startupLog.worker.map((l) => `${l.msg} at ${l.ms} ms`).join(", ")}.`,
    "",
    "| target | measured | met |",
    "| --- | --- | --- |",
  );
  for (const check of evaluateTargets(result)) {
    lines.push(
      `| ${check.target} | ${check.measured} | ${check.met === undefined ? "—" : check.met ? "met" : "**missed**"} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function pair(summary: LatencySummary | undefined): string {
  return summary ? `${summary.p50} / ${summary.p99}` : "-";
}

function triple(summary: LatencySummary | undefined): string {
  return summary ? `${summary.p50} / ${summary.p95} / ${summary.p99}` : "-";
}
