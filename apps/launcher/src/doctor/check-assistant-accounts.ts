import { formatWait, readAssistantRegistry } from "@callbot/shared";
import { Redis } from "ioredis";
import type { CheckResult } from "./check-result.ts";

/**
 * With several assistant accounts (one worker each), the "assistant session" line speaks only of
 * the account whose TG_SESSION the doctor was given. This line names every account the workers
 * registered, as /status and /setup do: online, waiting out a flood, its session ended, stopped,
 * or not heard from (its worker crashed or lost Redis). ✅ all online, ⚠️ some cannot take work
 * (the others carry it), ❌ none can. Nothing with one account or none: the session line says it.
 */
export async function checkAssistantAccounts(
  redisUrl: string,
  prefix: string,
  now: number = Date.now(),
): Promise<CheckResult[]> {
  const name = "assistant accounts";
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    const { entries, lapsed } = await readAssistantRegistry(redis, prefix);
    if (entries.length + lapsed.length < 2) return [];
    const states = entries.map((entry) => {
      const who = entry.username ? `@${entry.username}` : `account ${entry.accountId}`;
      if (entry.state === "session-dead")
        return `${who}: its session ended (${entry.errorName ?? "no error name"}; log it in again with \`pnpm session\`)`;
      if (entry.state !== "online") return `${who}: stopped`;
      if (entry.floodWaitUntil !== undefined && entry.floodWaitUntil > now)
        return `${who}: online, waiting out a flood (${formatWait(Math.ceil((entry.floodWaitUntil - now) / 1000))} left)`;
      return `${who}: online`;
    });
    for (const accountId of lapsed)
      states.push(`account ${accountId}: not heard from (its worker crashed or lost Redis)`);
    const online = entries.filter((entry) => entry.state === "online").length;
    const total = entries.length + lapsed.length;
    const status = online === total ? "ok" : online > 0 ? "warn" : "fail";
    const summary =
      online === total
        ? `all ${total} online`
        : online > 0
          ? `${online} of ${total} online; the others' chats go to the online ones where those are admins`
          : `none of ${total} online: no call can be created`;
    return [{ status, name, detail: `${summary}: ${states.join(", ")}` }];
  } catch (error) {
    return [
      { status: "fail", name, detail: `could not read the accounts from Redis: ${(error as Error).message}` },
    ];
  } finally {
    redis.disconnect();
  }
}
