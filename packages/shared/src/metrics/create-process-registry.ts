import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * A registry of one process (bot or worker) with Node's default metrics. Its own registry, not
 * prom-client's global one, so that a bot and a worker started in one process (tests, the
 * launcher) keep their numbers apart; `process` labels every series with which one it is.
 */
export function createProcessRegistry(process: "bot" | "worker"): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ process });
  collectDefaultMetrics({ register: registry });
  return registry;
}
