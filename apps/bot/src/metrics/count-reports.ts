import { isFinalFailure } from "@callbot/shared";
import type { Job, Worker } from "bullmq";
import type { BotMetrics } from "./bot-metrics.ts";

/** The result's kind (create-call, call-action, worker-alert): a bounded label. */
function kindOf(job: Job | undefined): string {
  const kind = (job?.data as { kind?: unknown } | undefined)?.kind;
  return typeof kind === "string" ? kind : "unknown";
}

/**
 * Counts what the results consumer does: each result delivered, each failed attempt that will
 * be tried again, each given up on; and /newcall results by outcome once handled.
 */
export function countReports(
  resultsWorker: Worker,
  metrics: Pick<BotMetrics, "reports" | "newcallResults">,
): void {
  resultsWorker.on("completed", (job: Job) => {
    const kind = kindOf(job);
    metrics.reports.inc({ kind, outcome: "delivered" });
    const status = (job.data as { outcome?: { status?: unknown } }).outcome?.status;
    if (kind === "create-call" && typeof status === "string") metrics.newcallResults.inc({ status });
  });
  resultsWorker.on("failed", (job: Job | undefined, error: Error) => {
    const final = job === undefined || isFinalFailure(job, error);
    metrics.reports.inc({ kind: kindOf(job), outcome: final ? "failed" : "retried" });
  });
}
