import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * Version 1 of the state the worker publishes in Redis, so that the bot (which has no other view
 * of the worker) can answer at once when the assistant cannot run anything, and /status can
 * show it. Key: workerStatusKey(prefix).
 *
 * How long it is kept says what it means:
 * - "online" is written with a lifetime of WORKER_STATUS_TTL_MS and renewed every
 *   WORKER_STATUS_HEARTBEAT_MS: a worker that crashed (or lost Redis) cannot say so, so its
 *   "online" simply runs out and the reader sees no status, i.e. unknown;
 * - "session-dead" and "stopped" are kept until a worker comes online again: they stay true
 *   after the process is gone (a dead session stays dead until someone logs the account in).
 */
export const WorkerStateSchema = z.enum([
  /** Logged in and taking jobs. */
  "online",
  /** Telegram revoked or deactivated the session: nothing runs until an operator logs in again. */
  "session-dead",
  /** Shut down on purpose (SIGTERM, deploy); queued requests run when a worker starts again. */
  "stopped",
]);
export type WorkerState = z.infer<typeof WorkerStateSchema>;

export const WorkerStatusSchema = z.object({
  v: z.literal(1),
  state: WorkerStateSchema,
  /** The assistant account's Telegram user id; absent when the worker never logged in. */
  accountId: z.number().int().positive().optional(),
  /** Its public username, without "@". */
  username: z.string().min(1).optional(),
  /** For session-dead: the Telegram error that said so (AUTH_KEY_UNREGISTERED, ...). */
  errorName: z.string().min(1).optional(),
  /** Unix milliseconds until which Telegram told the account to wait (FLOOD_WAIT); absent when it need not. */
  floodWaitUntil: z.number().int().positive().optional(),
  /** Unix milliseconds of this record. */
  updatedAt: z.number().int().positive(),
});
export type WorkerStatus = z.infer<typeof WorkerStatusSchema>;

/** How often a live worker renews its "online" record. */
export const WORKER_STATUS_HEARTBEAT_MS = 10_000;
/** The lifetime of an "online" record: three missed heartbeats and the worker reads as unknown. */
export const WORKER_STATUS_TTL_MS = 3 * WORKER_STATUS_HEARTBEAT_MS;

export function workerStatusKey(prefix: string): string {
  return `${prefix}:worker-status`;
}

/**
 * The worker's last published state, or undefined when it is unknown: no worker ever started
 * under this prefix, the last one crashed (its "online" ran out), the record does not fit the
 * schema, or Redis could not be read. Never throws: callers decide what unknown means to them.
 */
export async function readWorkerStatus(
  redis: Pick<Redis, "get">,
  prefix: string,
): Promise<WorkerStatus | undefined> {
  try {
    const raw = await redis.get(workerStatusKey(prefix));
    if (raw === null) return undefined;
    const parsed = WorkerStatusSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stores `status` with the lifetime its state calls for (see WorkerStatusSchema): only "online"
 * runs out, because only a live process can keep renewing it.
 */
export async function writeWorkerStatus(
  redis: Pick<Redis, "set">,
  prefix: string,
  status: WorkerStatus,
): Promise<void> {
  const value = JSON.stringify(WorkerStatusSchema.parse(status));
  if (status.state === "online") {
    await redis.set(workerStatusKey(prefix), value, "PX", WORKER_STATUS_TTL_MS);
  } else {
    await redis.set(workerStatusKey(prefix), value);
  }
}
