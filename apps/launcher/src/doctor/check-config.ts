import {
  type BotConfig,
  describeConfig,
  type Env,
  parseBotConfig,
  parseWorkerConfig,
  type WorkerConfig,
} from "@callbot/shared";
import type { CheckResult } from "./check-result.ts";

export interface ConfigCheck {
  results: CheckResult[];
  botConfig: BotConfig | undefined;
  workerConfig: WorkerConfig | undefined;
}

/**
 * The bot's and the worker's configuration, parsed exactly as the processes do (the same zod
 * schemas and messages). Only describeConfig's redacted view is printed: never a secret.
 */
export function checkConfig(env: Env): ConfigCheck {
  const bot = parseBotConfig(env);
  const worker = parseWorkerConfig(env);
  const results: CheckResult[] = [
    bot.config === undefined
      ? { status: "fail", name: "bot configuration", detail: bot.problems.join("; ") }
      : { status: "ok", name: "bot configuration", detail: summarise(bot.config) },
    worker.config === undefined
      ? { status: "fail", name: "worker configuration", detail: worker.problems.join("; ") }
      : { status: "ok", name: "worker configuration", detail: summarise(worker.config) },
  ];
  return { results, botConfig: bot.config, workerConfig: worker.config };
}

function summarise(config: BotConfig | WorkerConfig): string {
  return JSON.stringify(describeConfig(config));
}
