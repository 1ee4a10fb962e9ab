import { parseArgs } from "node:util";
import type { BotReplicasOptions } from "./run-bot-replicas.ts";
import type { ScaleOutOptions } from "./run-scale-out.ts";

export const SCALE_USAGE = `pnpm bench -- --scale-out [options]   the workers' scale-out: 1, 2 and 3 assistant accounts, then one killed
  --chats N          chats and requests per run (default 5000)
  --rtt MS           round trip the sandbox adds to every MTProto request (default 150)
  --failover N       requests queued before one account of two is killed (default 1000)
  --out DIR          where scale-out.{json,md} go (default tools/bench/results)`;

export const SCALE_BOTS_USAGE = `pnpm bench -- --scale-bots [options]   the bot's scale-out: long polling, then 1 and 2 webhook replicas
  --chats N            chats and requests per run (default 5000; e.g. 300 for a short run)
  --max-connections N  WEBHOOK_MAX_CONNECTIONS of the replicas, 1-100 (default 100, the bot's default)
  --out DIR            where scale-bots.{json,md} go (default tools/bench/results)`;

/** The bot replicas' options, or undefined when `--scale-bots` is not asked for. */
export function parseScaleBotsArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { options: BotReplicasOptions; outDir: string | undefined } | undefined {
  const args = argv.filter((arg) => arg !== "--");
  if (!args.includes("--scale-bots")) return undefined;
  const { values } = parseArgs({
    args,
    options: {
      "scale-bots": { type: "boolean" },
      chats: { type: "string" },
      "max-connections": { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  const maxConnections = whole(values["max-connections"], "--max-connections", 100);
  if (maxConnections > 100) throw new Error(`--max-connections must be from 1 to 100, not ${maxConnections}`);
  return {
    options: {
      redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379",
      chats: whole(values.chats, "--chats", 5000),
      maxConnections,
      logLevel: env.LOG_LEVEL ?? "info",
    },
    outDir: values.out,
  };
}

/** The scale-out's options, or undefined when `--scale-out` is not asked for. */
export function parseScaleOutArgs(
  argv: string[],
  env: NodeJS.ProcessEnv,
): { options: ScaleOutOptions; outDir: string | undefined } | undefined {
  const args = argv.filter((arg) => arg !== "--");
  if (!args.includes("--scale-out")) return undefined;
  const { values } = parseArgs({
    args,
    options: {
      "scale-out": { type: "boolean" },
      chats: { type: "string" },
      rtt: { type: "string" },
      failover: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  return {
    options: {
      redisUrl: env.REDIS_URL ?? "redis://127.0.0.1:6379",
      chats: whole(values.chats, "--chats", 5000),
      rttMs: whole(values.rtt, "--rtt", 150),
      failoverRequests: whole(values.failover, "--failover", 1000),
      logLevel: env.LOG_LEVEL ?? "info",
    },
    outDir: values.out,
  };
}

function whole(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, not ${value}`);
  return n;
}
