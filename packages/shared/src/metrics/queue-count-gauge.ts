import { Gauge, type Registry } from "prom-client";

/** What a BullMQ Queue offers that the gauge needs. */
export interface CountsJobs {
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
}

/** The job states an operator alerts on: a growing backlog, stuck work, retries, failures. */
export const COUNTED_JOB_STATES = ["waiting", "active", "delayed", "failed"] as const;

/**
 * callbot_queue_jobs{queue,state}: BullMQ's getJobCounts, read from Redis on each scrape (so
 * the number is the queue's, shared by every process, not this process's view of it).
 */
export function registerQueueCountGauge(registry: Registry, queues: Record<string, CountsJobs>): Gauge {
  return new Gauge({
    name: "callbot_queue_jobs",
    help: "Jobs in each queue by state (BullMQ getJobCounts, read on scrape)",
    labelNames: ["queue", "state"],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [name, queue] of Object.entries(queues)) {
        const counts = await queue.getJobCounts(...COUNTED_JOB_STATES);
        for (const state of COUNTED_JOB_STATES) this.set({ queue: name, state }, counts[state] ?? 0);
      }
    },
  });
}
