import { type Env, parseRedisAddress } from "@callbot/shared";
import { checkAssistant } from "./check-assistant.ts";
import { checkAssistantAccounts } from "./check-assistant-accounts.ts";
import { checkBotApi } from "./check-bot-api.ts";
import { checkChats } from "./check-chats.ts";
import { checkConfig } from "./check-config.ts";
import { checkRedis } from "./check-redis.ts";
import type { CheckResult } from "./check-result.ts";

/** The doctor reads one server's INFO and keys; a cluster spreads both over its nodes. */
const CLUSTER_NOT_CHECKED: CheckResult = {
  status: "warn",
  name: "Redis",
  detail:
    "a Redis Cluster (redis+cluster://) is not inspected here: run redis-cli -c -h <node> INFO on each master to check maxmemory-policy noeviction and persistence",
};

/**
 * Every check of a deployment, in the order an operator fixes things: configuration first (the
 * rest needs it), then Redis, the bot token and webhook, the assistant (and, with several, every
 * account), and the chats the bot knows. `report` gets each
 * line as soon as it is known.
 */
export async function runDoctor(env: Env, report: (result: CheckResult) => void): Promise<CheckResult[]> {
  const all: CheckResult[] = [];
  const add = (results: CheckResult[]) => {
    for (const result of results) {
      all.push(result);
      report(result);
    }
  };
  const { results, botConfig, workerConfig } = checkConfig(env);
  add(results);
  const redisUrl = botConfig?.redisUrl ?? workerConfig?.redisUrl;
  const redisResults =
    redisUrl === undefined
      ? []
      : parseRedisAddress(redisUrl).kind === "cluster"
        ? [CLUSTER_NOT_CHECKED]
        : await checkRedis(redisUrl);
  add(redisResults);
  const botApiResults = botConfig === undefined ? [] : await checkBotApi(botConfig);
  add(botApiResults);
  const redisReachable = redisResults.length > 0 && redisResults[0]?.status === "ok";
  if (workerConfig !== undefined && redisReachable) add([await checkAssistant(workerConfig)]);
  const prefix = botConfig?.queuePrefix ?? workerConfig?.queuePrefix;
  if (redisUrl !== undefined && prefix !== undefined && redisReachable)
    add(await checkAssistantAccounts(redisUrl, prefix));
  // Last: the chats need Redis (the bot's list of them) and a token Telegram accepts.
  const tokenAccepted = botApiResults[0]?.status === "ok";
  if (botConfig !== undefined && redisReachable && tokenAccepted) add(await checkChats(botConfig));
  return all;
}
