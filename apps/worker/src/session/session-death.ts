import {
  CALL_JOB_NAMES,
  type CallsQueue,
  type EmptyWatchRequest,
  isAutomaticAction,
  readCallsJob,
} from "@callbot/shared";
import type { Job } from "bullmq";
import type { Logger } from "pino";
import { reporterForJob } from "../results/outcome-reporter.ts";
import { type ResultsPublisher, resultJobIds } from "../results/results-publisher.ts";

export interface SessionDeathDeps {
  /**
   * The queues whose waiting requesters this account must answer: its own queue, and the shared
   * intake too when no other account is online to take it over.
   */
  queuesToEmpty: () => Promise<CallsQueue[]>;
  /**
   * Hands a waiting job to another account that may run it in its chat (failover); true when it
   * did. Absent: every waiting requester is told, as with one account.
   */
  moveElsewhere?: (job: Job) => Promise<boolean>;
  /** Tells a chat that its call's end-when-empty watch stopped (publishWatchStopped). */
  tellWatchStopped?: (request: EmptyWatchRequest) => Promise<void>;
  publisher: ResultsPublisher;
  /** Publishes the dead session in the worker's state, so the bot answers new requests at once. */
  markSessionDead: (errorName: string) => Promise<void>;
  /** Stops this worker fetching jobs without waiting for the ones in flight (they fail on their own). */
  pauseWorker: () => Promise<void>;
  logger: Logger;
  now: () => number;
  /** Identifies this worker run, so the alert is sent once per run. */
  runId: string;
}

/** Job states whose requesters are still waiting for an answer. */
export const WAITING_STATES = ["waiting", "delayed", "prioritized"] as const;

/**
 * What happens once when Telegram says the userbot's session is dead (the 401 family): every
 * further request would fail the same way, and hammering Telegram with a revoked key helps no
 * one. The worker stops taking jobs, the operator is alerted once (the bot forwards the alert
 * to OWNER_IDS), each waiting request that another online account may run moves to it
 * (failover, once per request), and everyone else still waiting is told instead of left in silence.
 * An end-when-empty watch is moved the same way; where no account can take it, it stops and its
 * chat is told that the call will no longer end by itself. Other work planned for
 * later (a delayed auto-start, a recurring rule's next tick) stays in the queue: nobody waits on
 * it now, and it runs once the operator has logged the account in again. The process
 * stays up and idle, so a supervisor does not restart it into the same failure in a loop.
 */
export class SessionDeath {
  private deadWith: string | undefined;
  private cleanup: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SessionDeathDeps) {}

  /** The error that killed the session, or undefined while it is alive. */
  get errorName(): string | undefined {
    return this.deadWith;
  }

  /** Resolves when the clean-up after a death (if any) has finished. */
  settled(): Promise<void> {
    return this.cleanup;
  }

  /** Records the death; the first call starts the clean-up, later calls do nothing. */
  declare(errorName: string): void {
    if (this.deadWith !== undefined) return;
    this.deadWith = errorName;
    this.deps.logger.error(
      { errorName },
      `The Telegram session is dead (${errorName}): this worker stopped taking jobs and told the owners. ` +
        "Log the assistant account in again, put the new session in TG_SESSION (or TG_SESSION_FILE) and restart the worker.",
    );
    this.cleanup = this.cleanUp(errorName).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, "clean-up after the session died did not finish");
    });
  }

  private async cleanUp(errorName: string): Promise<void> {
    const { publisher, pauseWorker, markSessionDead, logger, now, runId } = this.deps;
    // Published before the waiting jobs are collected: a bot that queues a job after that
    // collection reads the dead session when it checks again (submit-call-request.ts).
    await markSessionDead(errorName);
    await pauseWorker();
    await publisher.publish(
      { v: 1, kind: "worker-alert", alert: "session-dead", errorName, at: now() },
      resultJobIds.sessionDead(runId),
    );
    const jobs: Job[] = [];
    const watches: Job[] = [];
    for (const queue of await this.deps.queuesToEmpty()) {
      const waiting = await queue.getJobs([...WAITING_STATES]);
      jobs.push(...waiting.filter(hasWaitingRequester));
      watches.push(...waiting.filter((job) => job.name === CALL_JOB_NAMES.emptyWatch));
    }
    await this.handOnWatches(watches);
    let moved = 0;
    for (const job of jobs) {
      const handedOn = await this.deps.moveElsewhere?.(job).catch((error: unknown) => {
        logger.warn({ err: error, jobId: job.id }, "could not move a waiting job to another account");
        return false;
      });
      if (handedOn) {
        moved += 1;
        continue;
      }
      // Removed before it is reported: the bot, which checks the state again after adding a
      // job, may withdraw the same job and answer it itself; only the one that removes it reports.
      const removed = await job.remove().then(
        () => true,
        (error: unknown) => {
          logger.warn({ err: error, jobId: job.id }, "could not remove a waiting job");
          return false;
        },
      );
      if (removed) await reporterForJob(job, { publisher, now })?.failed({ errorName, category: "session" });
    }
    logger.info(
      { failedWaitingJobs: jobs.length - moved, movedToOtherAccounts: moved },
      "moved what another account could run, and told every other waiting requester that the session is dead",
    );
  }

  /**
   * The end-when-empty watches of this account: each goes to another account that may manage
   * its chat's calls, or stops, and its chat is told (people there expect the call to end).
   */
  private async handOnWatches(watches: Job[]): Promise<void> {
    for (const job of watches) {
      const moved = await this.deps.moveElsewhere?.(job).catch(() => false);
      if (moved) continue;
      const removed = await job.remove().then(
        () => true,
        () => false,
      );
      const { job: parsed } = readCallsJob(job);
      if (removed && parsed?.name === "empty-watch") await this.deps.tellWatchStopped?.(parsed.data);
    }
  }
}

/** A create-call or a user's call action: someone is looking at a "queued" message for it. */
function hasWaitingRequester(job: Job): boolean {
  // A planned call (the bot's calendar) waits for its time, weeks maybe: planned work, kept for a
  // session that works again, not a request someone is looking at.
  if (job.name === CALL_JOB_NAMES.createCall)
    return (job.data as { planned?: unknown } | undefined)?.planned === undefined;
  if (job.name !== CALL_JOB_NAMES.callAction) return false;
  const { job: parsed } = readCallsJob(job);
  // An auto-start or auto-end is planned work, not a request someone waits on.
  return parsed?.name !== "call-action" || !isAutomaticAction(parsed.data);
}
