import type { Transformer } from "grammy";
import type { BotMetrics } from "./bot-metrics.ts";

/**
 * A grammY API transformer that counts each Bot API call by method and outcome. Installed
 * outermost, so a call retried inside (429, 5xx) counts once, with its final outcome.
 */
export function countBotApiRequests(metrics: Pick<BotMetrics, "botApiRequests">): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const response = await prev(method, payload, signal);
      metrics.botApiRequests.inc({ method, error: response.ok ? "none" : String(response.error_code) });
      return response;
    } catch (error) {
      metrics.botApiRequests.inc({ method, error: "NETWORK" });
      throw error;
    }
  };
}
