import { readAssistantRegistry, readWorkerStatus, type WorkerConfig } from "@callbot/shared";
import { accountLockKey, seenKeyOf } from "@callbot/worker";
import { Redis } from "ioredis";
import type { CheckResult } from "./check-result.ts";
import { checkSessionLogin } from "./check-session-login.ts";

/**
 * The assistant account, from what the worker publishes in Redis (its status record and its
 * account lock). The doctor never connects to Telegram with a session a worker holds:
 * a second connection with the same auth key invites AUTH_KEY_DUPLICATED, which kills both. Only
 * when no worker holds the account does it log in once (checkSessionLogin).
 */
export async function checkAssistant(config: WorkerConfig): Promise<CheckResult> {
  const name = "assistant session";
  let lockKey: string;
  try {
    lockKey = await accountLockKey(config.queuePrefix, config.tgSession);
  } catch (error) {
    return { status: "fail", name, detail: `${(error as Error).message} (run \`pnpm session\`)` };
  }
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on("error", () => {});
  try {
    const [lock, seen] = await Promise.all([redis.exists(lockKey), redis.exists(seenKeyOf(lockKey))]);
    const status = await readWorkerStatus(redis, config.queuePrefix);
    const held = lock + seen > 0;
    const notUsed = "the doctor did not log in with the session, so as not to disturb the worker";
    const registry = await readAssistantRegistry(redis, config.queuePrefix);
    // With several accounts the one status record is whichever worker wrote last, not
    // necessarily this session's account: each account's state is on the line of every account.
    if (held && registry.entries.length + registry.lapsed.length >= 2) {
      return {
        status: "ok",
        name,
        detail: `a worker holds the account lock of TG_SESSION's account; each account's state is on the "assistant accounts" line; ${notUsed}`,
      };
    }
    if (status?.state === "session-dead") {
      return {
        status: "fail",
        name,
        detail: `Telegram revoked it (${status.errorName ?? "no error name"}): log the assistant in again with \`pnpm session\` and set TG_SESSION`,
      };
    }
    if (!held) return await checkSessionLogin(config, redis, lockKey);
    const who = status?.username
      ? `@${status.username}`
      : status?.accountId
        ? `id ${status.accountId}`
        : "the account";
    if (status?.floodWaitUntil !== undefined && status.floodWaitUntil > Date.now()) {
      return {
        status: "warn",
        name,
        detail: `a worker holds ${who}; Telegram asked it to wait until ${new Date(status.floodWaitUntil).toISOString()} (FLOOD_WAIT); ${notUsed}`,
      };
    }
    if (status?.state !== "online") {
      return {
        status: "warn",
        name,
        detail: `a worker holds the account lock but publishes no "online" state (starting, or stuck); ${notUsed}`,
      };
    }
    return {
      status: "ok",
      name,
      detail: `a worker is online as ${who} and holds the account lock; ${notUsed}`,
    };
  } catch (error) {
    return {
      status: "fail",
      name,
      detail: `could not read the worker's state from Redis: ${(error as Error).message}`,
    };
  } finally {
    redis.disconnect();
  }
}
