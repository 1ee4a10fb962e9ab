import {
  addCallsJob,
  CALL_JOB_NAMES,
  type CallsQueue,
  type CreateCallRequest,
  DeadlineError,
  withDeadline,
} from "@callbot/shared";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { type JobPresence, lookForJob } from "./look-for-job.ts";

export type QueueOutcome =
  | { queued: true }
  | {
      queued: false;
      error: unknown;
      /**
       * Only with `confirm`: Redis did not answer again within `confirm.withinMs`, so whether the
       * job exists is not known. `later` keeps looking for up to `confirm.laterWithinMs`.
       */
      unknown?: { later: Promise<JobPresence> };
    };

/** When an add ends unclearly, look for the job before calling it not queued (see queueCallRequest). */
export interface ConfirmOptions {
  /** How long to look while the user still reads "Queued": a few seconds, a failover's length. */
  withinMs: number;
  /** How long to go on looking after the answer "not known yet", in the background. */
  laterWithinMs: number;
}

/** WAIT for this many replicas after the add (a replicated Redis: Sentinel); see withReplicaAck. */
export interface ReplicaAckOptions {
  replicas: number;
  timeoutMs: number;
}

/**
 * Adds a create-call job, or says within `timeoutMs` that it could not.
 *
 * The producer's Redis connection fails fast (no offline queue), so an add normally rejects at
 * once when Redis is down. The timeout covers what that cannot: a connection still being
 * established, or a Redis that accepted the socket but does not answer. Because the user is then
 * told "nothing was queued", an add that completes after the timeout is undone, so no job
 * appears later by surprise.
 *
 * With `confirm`, an add that failed unclearly (the connection lost mid-command, a failover, no
 * answer in time: Redis may have applied it) is not reported as not queued at once: the job is
 * looked for once Redis answers again, and its presence decides. Only an add that surely never
 * reached Redis (the connection was down when it was sent) or that Redis refused is "not queued"
 * at once.
 */
export async function queueCallRequest(
  queue: CallsQueue,
  request: CreateCallRequest,
  options: {
    timeoutMs: number;
    logger: Logger;
    /**
     * A late job could not be undone: a worker had already taken it, so the call may still be
     * created after the user was told it was not queued. Say so (the result edits the answer later).
     */
    onLateJobKept?: () => Promise<void>;
    confirm?: ConfirmOptions;
    replicaAck?: ReplicaAckOptions;
  },
): Promise<QueueOutcome> {
  const { logger, confirm } = options;
  const requestId = request.requestId;
  // Not ready: BullMQ holds the add until the connection is, so an add that timed out meanwhile
  // never reached Redis (and one sent later is withdrawn below).
  const sentAtOnce = connectionStatus(queue) !== "not ready";
  const added = addCallsJob(queue, CALL_JOB_NAMES.createCall, request);
  const adding = options.replicaAck ? withReplicaAck(queue, added, options.replicaAck, logger) : added;
  try {
    await withDeadline(adding, options.timeoutMs, "the calls queue");
    return { queued: true };
  } catch (error) {
    const unclear = error instanceof DeadlineError ? sentAtOnce : mayHaveBeenApplied(error);
    if (confirm !== undefined && unclear) {
      logger.warn({ err: error, requestId }, "the job add ended unclearly; looking for the job");
      const presence = await lookForJob(queue, requestId, { withinMs: confirm.withinMs, adding });
      if (presence === "queued") {
        logger.warn({ requestId }, "the job exists after all: the request is queued");
        return { queued: true };
      }
      if (presence === "unknown") {
        const later = lookForJob(queue, requestId, { withinMs: confirm.laterWithinMs, adding });
        return { queued: false, error, unknown: { later } };
      }
    }
    if (!(error instanceof DeadlineError)) return { queued: false, error };
    adding.then(
      async (job) => {
        logger.warn({ requestId }, "queue add finished after its timeout; removing the job");
        if ((await withdrawLateJob(job, logger)) === "kept") await options.onLateJobKept?.();
      },
      () => undefined,
    );
    return { queued: false, error: new Error(`queue add did not finish within ${options.timeoutMs} ms`) };
  }
}

/**
 * False only when the add surely did not change Redis: ioredis never sent it (the connection was
 * not up: a producer connection has no offline queue), or Redis answered with an error (it
 * refused it: NOREPLICAS, OOM, READONLY). A lost connection, a retry limit reached or no answer
 * in time leave it open: Redis may have applied the command and lost only its answer.
 */
export function mayHaveBeenApplied(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof ReplicaAckLostError) return true;
  if (error.name === "ReplyError") return false;
  return !error.message.startsWith("Stream isn't writeable");
}

/** The master answered the add, but the WAIT after it failed: the job may or may not survive a failover. */
class ReplicaAckLostError extends Error {
  override readonly name = "ReplicaAckLostError";

  constructor(cause: unknown) {
    super("the job was added, but whether a replica has it is not known (the WAIT after the add failed)", {
      cause,
    });
  }
}

/** The state of the queue's ioredis connection; "unknown" when the queue was given options, not a connection. */
function connectionStatus(queue: CallsQueue): "ready" | "not ready" | "unknown" {
  const connection = queue.opts.connection as { status?: unknown } | undefined;
  if (typeof connection?.status !== "string") return "unknown";
  return connection.status === "ready" ? "ready" : "not ready";
}

/**
 * Redis replication is asynchronous: an add the master answered can die with the master before
 * any replica has it, and the promoted replica then knows nothing of a request its user was told
 * was queued. WAIT (on the connection that made the add) holds the answer until `replicas`
 * replicas have every earlier write of that connection, or `timeoutMs` passed. If the connection
 * is lost meanwhile, the add rejects and the caller looks for the job on the new master. A WAIT
 * that times out (a replica slow or down) still counts as queued: the master has the job.
 */
async function withReplicaAck(
  queue: CallsQueue,
  added: Promise<Job>,
  ack: ReplicaAckOptions,
  logger: Logger,
): Promise<Job> {
  const job = await added;
  // The connection BullMQ sent the add on: WAIT covers the writes of its own connection only.
  const client = (await queue.getBackend().client) as unknown as Pick<Redis, "wait">;
  let acked: number;
  try {
    acked = await client.wait(ack.replicas, ack.timeoutMs);
  } catch (error) {
    throw new ReplicaAckLostError(error);
  }
  if (acked < ack.replicas)
    logger.warn(
      { requestId: job.id, acked, wanted: ack.replicas },
      `the job reached fewer replicas than wanted within ${ack.timeoutMs} ms; a failover now could lose it`,
    );
  return job;
}

/**
 * Removes a job whose add finished after the user was told "nothing was queued". A job a worker
 * has already taken is locked and cannot be removed: "kept" means it runs after all.
 */
export async function withdrawLateJob(job: Job, logger: Logger): Promise<"withdrawn" | "kept"> {
  try {
    await job.remove();
    return "withdrawn";
  } catch (error) {
    const state = await job.getState().catch(() => "unknown");
    if (state === "unknown") return "withdrawn"; // gone after all
    logger.error(
      { err: error, requestId: job.id, state },
      "a late job could not be removed: a worker had already taken it",
    );
    return "kept";
  }
}
