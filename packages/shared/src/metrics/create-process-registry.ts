import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * How often the event-loop lag monitor samples, in ms. prom-client's default (10 ms) wakes an idle
 * process 100 times a second only to take a sample: strace showed the bot and the worker in
 * epoll_wait with a 10 ms timeout and nothing else to do. At 100 ms a loop blocked for longer than
 * a tenth of a second still shows in every percentile, and an idle process sleeps.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * A registry of one process (bot or worker) with Node's default metrics. Its own registry, not
 * prom-client's global one, so that a bot and a worker started in one process (tests, the
 * launcher) keep their numbers apart; `process` labels every series with which one it is.
 */
export function createProcessRegistry(process: "bot" | "worker"): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}
