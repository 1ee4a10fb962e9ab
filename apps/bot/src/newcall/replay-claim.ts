import type { Redis } from "ioredis";

/** The claim once the job exists: every later delivery of the update is a replay. */
export const CLAIM_QUEUED = "queued";

/**
 * Compare-and-set: take a claim over only if it still names the process that is gone, so two
 * deliveries racing to take it over cannot both win.
 */
const TAKE_OVER = `
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[2], "EX", ARGV[3])
  return 1
end
return 0`;

export interface ReplayClaimDeps {
  redis: Redis;
  /** Identifies this bot process (one per createBot). */
  instanceId: string;
  ttlSeconds: number;
}

/**
 * Makes a redelivered update (polling replay, webhook retry) answer and queue nothing, without
 * losing a request whose first handler died between its "queued" answer and adding the job.
 *
 * The claim names the process handling the update, then "queued" once the job exists. A
 * delivery that finds the claim of ANOTHER process with no job behind it takes the request
 * over: only one bot polls a token at a time (Telegram answers a second poller with 409), so
 * that process is gone, and Telegram redelivered the update because it never finished.
 */
export async function claimCommand(
  key: string,
  deps: ReplayClaimDeps,
  jobExists: () => Promise<boolean>,
): Promise<"mine" | "replayed"> {
  const mine = `pending:${deps.instanceId}`;
  if ((await deps.redis.set(key, mine, "EX", deps.ttlSeconds, "NX")) === "OK") return "mine";
  const holder = await deps.redis.get(key);
  if (holder === null) {
    return (await deps.redis.set(key, mine, "EX", deps.ttlSeconds, "NX")) === "OK" ? "mine" : "replayed";
  }
  if (holder === CLAIM_QUEUED || holder === mine) return "replayed";
  if (await jobExists()) {
    await deps.redis.set(key, CLAIM_QUEUED, "EX", deps.ttlSeconds);
    return "replayed";
  }
  const taken = await deps.redis.eval(TAKE_OVER, 1, key, holder, mine, String(deps.ttlSeconds));
  return taken === 1 ? "mine" : "replayed";
}

/** The job exists: from now on every delivery of this update is a replay. */
export async function markCommandQueued(key: string, deps: ReplayClaimDeps): Promise<void> {
  await deps.redis.set(key, CLAIM_QUEUED, "EX", deps.ttlSeconds);
}
