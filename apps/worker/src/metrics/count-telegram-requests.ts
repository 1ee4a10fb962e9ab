import { readTelegramFailure } from "../calls/read-telegram-failure.ts";
import { FloodGateClosedError } from "../telegram/flood-gate.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import type { WorkerMetrics } from "./worker-metrics.ts";

/**
 * Counts every request that went to Telegram, by method and outcome, and the flood waits among
 * the answers. A request the flood gate held back was never sent, so it is not counted; one
 * Telegram answered with FLOOD_WAIT is (invokeWithTimeout turns that answer into a
 * FloodGateClosedError marked answeredByTelegram).
 */
export function countTelegramRequests(
  invoke: InvokeTelegram,
  metrics: Pick<WorkerMetrics, "telegramRequests" | "floodWaits" | "floodWaitSeconds">,
): InvokeTelegram {
  return async (request) => {
    const method = request.className;
    try {
      const answer = await invoke(request);
      metrics.telegramRequests.inc({ method, error: "none" });
      return answer;
    } catch (error) {
      if (!(error instanceof FloodGateClosedError) || error.answeredByTelegram) {
        const facts = readTelegramFailure(error);
        metrics.telegramRequests.inc({ method, error: facts.errorName });
        if (facts.errorName === "FLOOD_WAIT" && facts.seconds !== undefined) {
          metrics.floodWaits.inc();
          metrics.floodWaitSeconds.inc(facts.seconds);
        }
      }
      throw error;
    }
  };
}
