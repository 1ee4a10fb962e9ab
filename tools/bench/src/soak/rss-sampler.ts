import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import type { ServiceProcess } from "../processes/service-process.ts";
import { leastSquaresSlope } from "../stats/slope.ts";

export interface RssSample {
  /** Minutes since the soak began. */
  atMinute: number;
  botBytes: number | undefined;
  workerBytes: number | undefined;
  /** The machine's 1-minute load average then: other work skews the soak's latencies, not its memory. */
  loadAvg1: number;
}

export interface SoakMemory {
  samples: RssSample[];
  /**
   * MB per minute, least squares over the samples from minute 1 on: the first minute is the
   * processes filling their caches and heaps, which a flat process does once.
   */
  slopeMbPerMinute: { bot: number | undefined; worker: number | undefined };
}

const MB = 1024 * 1024;

/** Samples the bot's and the worker's RSS now, then every `everyMs`, and once more at stop(). */
export function startRssSampler(
  processes: { bot: ServiceProcess; worker: ServiceProcess },
  everyMs: number,
): { stop(): Promise<SoakMemory> } {
  const startedAt = performance.now();
  const samples: Array<Promise<RssSample>> = [];
  const sample = () => {
    const atMinute = Math.round(((performance.now() - startedAt) / 60_000) * 100) / 100;
    const loadAvg1 = Math.round((loadavg()[0] ?? 0) * 10) / 10;
    samples.push(
      Promise.all([processes.bot.rssNowBytes(), processes.worker.rssNowBytes()]).then(
        ([botBytes, workerBytes]) => ({ atMinute, botBytes, workerBytes, loadAvg1 }),
      ),
    );
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      sample();
      const taken = await Promise.all(samples);
      return {
        samples: taken,
        slopeMbPerMinute: { bot: slope(taken, "botBytes"), worker: slope(taken, "workerBytes") },
      };
    },
  };
}

function slope(samples: RssSample[], field: "botBytes" | "workerBytes"): number | undefined {
  const points = samples.flatMap((s) => {
    const bytes = s[field];
    return bytes === undefined ? [] : [{ x: s.atMinute, y: bytes / MB }];
  });
  const settled = points.filter((p) => p.x >= 1);
  const value = leastSquaresSlope(settled.length >= 2 ? settled : points);
  return value === undefined ? undefined : Math.round(value * 100) / 100;
}
