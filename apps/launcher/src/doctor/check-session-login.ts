import type { WorkerConfig } from "@callbot/shared";
import { AccountLockHeldError, acquireAccountLock, userbotClientFromConfig } from "@callbot/worker";
import type { Redis } from "ioredis";
import { pino } from "pino";
import type { CheckResult } from "./check-result.ts";

const NAME = "assistant session";

/**
 * Logs in with the session once (users.getUsers(self), as gramjs's getMe does) and disconnects.
 * Only called when no worker holds the account; the doctor then takes the account lock itself
 * for the duration, so that a worker starting meanwhile waits instead of using the session at
 * the same time (AUTH_KEY_DUPLICATED).
 */
export async function checkSessionLogin(
  config: WorkerConfig,
  redis: Redis,
  lockKey: string,
): Promise<CheckResult> {
  const logger = pino({ level: "silent" });
  let lock: Awaited<ReturnType<typeof acquireAccountLock>>;
  try {
    lock = await acquireAccountLock({ redis, key: lockKey, logger });
  } catch (error) {
    if (!(error instanceof AccountLockHeldError)) throw error;
    return {
      status: "warn",
      name: NAME,
      detail: "a worker took the account just now; the doctor did not log in with it",
    };
  }
  const client = userbotClientFromConfig(config, logger);
  try {
    await client.connect();
    const me = (await client.getMe()) as { id?: unknown; username?: string };
    const who = me.username ? `@${me.username}` : `id ${String(me.id)}`;
    return {
      status: "ok",
      name: NAME,
      detail: `no worker was running, so the doctor logged in once: ${who}`,
    };
  } catch (error) {
    const reason = (error as { errorMessage?: string }).errorMessage ?? (error as Error).message;
    return {
      status: "fail",
      name: NAME,
      detail: `logging in with it failed (${reason}): make a new session with \`pnpm session\` and set TG_SESSION or TG_SESSION_FILE`,
    };
  } finally {
    await client.destroy().catch(() => {});
    await lock.release();
  }
}
