import { createProcessRegistry } from "@callbot/shared";
import { Counter, type Registry } from "prom-client";

export interface BotMetrics {
  registry: Registry;
  /** Bot API calls by method and outcome: "none" when answered ok, else the error code or NETWORK. */
  botApiRequests: Counter<"method" | "error">;
  /** /newcall results the bot handled, by the worker's outcome (created, exists, failed, delayed). */
  newcallResults: Counter<"status">;
  /** Results the bot delivered (or gave up on), by kind of result. */
  reports: Counter<"kind" | "outcome">;
}

/**
 * The bot's registry: Node's defaults, its Bot API calls, /newcall outcomes and report
 * deliveries. Labels are method names, codes, statuses and kinds: never chat or user ids.
 */
export function createBotMetrics(): BotMetrics {
  const registry = createProcessRegistry("bot");
  return {
    registry,
    botApiRequests: new Counter({
      name: "callbot_bot_api_requests_total",
      help: "Bot API calls the bot made, by method and error (none: answered ok; else the error code, or NETWORK)",
      labelNames: ["method", "error"],
      registers: [registry],
    }),
    newcallResults: new Counter({
      name: "callbot_newcall_results_total",
      help: "/newcall results handled by the bot, by outcome (created, exists, failed, delayed)",
      labelNames: ["status"],
      registers: [registry],
    }),
    reports: new Counter({
      name: "callbot_reports_total",
      help: "Results delivered to Telegram users (delivered), tried again later (retried) or given up on (failed), by kind",
      labelNames: ["kind", "outcome"],
      registers: [registry],
    }),
  };
}
