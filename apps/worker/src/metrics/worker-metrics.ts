import { createProcessRegistry } from "@callbot/shared";
import { Counter, Gauge, type Registry } from "prom-client";

/** The worker's session as /metrics shows it: before login, taking jobs, revoked, or shut down. */
export const SESSION_STATES = ["starting", "online", "session-dead", "stopped"] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export interface WorkerMetrics {
  registry: Registry;
  /** Requests sent to Telegram by method (phone.CreateGroupCall) and error name ("none" when answered). */
  telegramRequests: Counter<"method" | "error">;
  /** FLOOD_WAIT answers that reached the worker (gramjs sleeps through waits of 1 s or less itself). */
  floodWaits: Counter;
  /** The seconds those answers told the account to wait, summed. */
  floodWaitSeconds: Counter;
}

/**
 * The worker's registry: Node's defaults, its Telegram requests and flood waits, and its
 * session state, read from `sessionState` on each scrape. Labels are method and error names,
 * never chat or user ids, so the number of series stays bounded.
 */
export function createWorkerMetrics(sessionState: () => SessionState): WorkerMetrics {
  const registry = createProcessRegistry("worker");
  new Gauge({
    name: "callbot_session_state",
    help: "The assistant account's session: 1 for the current state, 0 for the others",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      const current = sessionState();
      for (const state of SESSION_STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
  return {
    registry,
    telegramRequests: new Counter({
      name: "callbot_telegram_requests_total",
      help: "MTProto requests the worker sent, by method and Telegram error name (none: answered)",
      labelNames: ["method", "error"],
      registers: [registry],
    }),
    floodWaits: new Counter({
      name: "callbot_flood_waits_total",
      help: "FLOOD_WAIT answers Telegram gave the assistant account",
      registers: [registry],
    }),
    floodWaitSeconds: new Counter({
      name: "callbot_flood_wait_seconds_total",
      help: "Seconds Telegram told the assistant account to wait, summed over FLOOD_WAIT answers",
      registers: [registry],
    }),
  };
}
