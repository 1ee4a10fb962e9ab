import {
  type CallsQueue,
  type HostAndPort,
  type MetricsServer,
  type ResultsQueue,
  registerQueueCountGauge,
  startMetricsServer,
} from "@callbot/shared";
import type { Logger } from "pino";
import type { WorkerMetrics } from "./worker-metrics.ts";
import { type WorkerReadinessFacts, workerReadiness } from "./worker-readiness.ts";

export interface ServeWorkerHealthOptions {
  listen: HostAndPort;
  metrics: WorkerMetrics;
  queues: { calls: CallsQueue; results: ResultsQueue };
  /** Read on each /readyz: the worker's state as it is right now. */
  facts: () => WorkerReadinessFacts;
  logger: Logger;
}

/**
 * /healthz, /readyz and /metrics (METRICS_LISTEN), with the queues' job counts. Started before the
 * account lock is taken, so /healthz answers, and /readyz says why not, while it is being taken.
 */
export function serveWorkerHealth(options: ServeWorkerHealthOptions): Promise<MetricsServer> {
  registerQueueCountGauge(options.metrics.registry, options.queues);
  return startMetricsServer({
    listen: options.listen,
    registry: options.metrics.registry,
    logger: options.logger,
    readiness: async () => workerReadiness(options.facts()),
  });
}
