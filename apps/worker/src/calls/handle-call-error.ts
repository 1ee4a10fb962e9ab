import type { CallFailure } from "@callbot/shared";
import { DelayedError, type Job, UnrecoverableError, Worker } from "bullmq";
import type { Logger } from "pino";
import type { OutcomeReporter } from "../results/outcome-reporter.ts";
import type { ResultsPublisher } from "../results/results-publisher.ts";
import type { SessionDeath } from "../session/session-death.ts";
import { ACCOUNT_WIDE, type FloodGate } from "../telegram/flood-gate.ts";
import { failureCategory, readTelegramFailure } from "./read-telegram-failure.ts";

export interface CallErrorDeps {
  publisher: ResultsPublisher;
  floodGate: FloodGate;
  /** Pauses fetching from the whole calls queue for `ms` (BullMQ's manual rate limit). */
  rateLimitQueue: (ms: number) => Promise<void>;
  sessionDeath: SessionDeath;
  logger: Logger;
  now: () => number;
  /** True while the worker shuts down: in-flight jobs are handed back, not reported as failed. */
  isShuttingDown?: () => boolean;
}

/** Errors whose outcome was already published, so the "failed" listener does not report again. */
const reported = new WeakSet<object>();

export function wasReported(error: unknown): boolean {
  return typeof error === "object" && error !== null && reported.has(error);
}

/**
 * Decides what a failed attempt of any call job (create-call, call-action) means, tells the
 * requester through `report` (which knows the job's result kind), and throws what BullMQ must do:
 * - user / permanent: a failed result, then UnrecoverableError (no retry can help);
 * - retry: rethrown so BullMQ retries with backoff; the last attempt publishes the failure;
 * - flood on one method (a username lookup, a dialog scan): a `delayed` notice and this job
 *   moved to delayed for the wait (no attempt used); other jobs go on;
 * - flood on creating calls (or an unknown method): a `delayed` notice, the whole queue
 *   rate-limited for the wait, then RateLimitError, which puts the job back without using an attempt;
 * - session: the worker stops (once), this request fails with category session.
 */
export async function handleCallError(
  error: unknown,
  job: Job,
  report: OutcomeReporter,
  deps: CallErrorDeps,
): Promise<never> {
  const facts = readTelegramFailure(error);
  const category = failureCategory(facts);
  const log = deps.logger.child({
    jobId: job.id,
    errorName: facts.errorName,
    category,
    attempt: job.attemptsMade + 1,
  });

  if (category === "flood" && facts.floodScope !== undefined && facts.floodScope !== ACCOUNT_WIDE) {
    // Telegram asked to wait before one method (a username lookup, a dialog scan): only this
    // job, which needs it, waits; the gate holds back other jobs that try it; the rest go on.
    const seconds = Math.max(1, deps.floodGate.secondsLeft(facts.floodScope), Math.ceil(facts.seconds ?? 1));
    log.warn(
      { seconds, method: facts.floodScope },
      "Telegram asked this account to wait before a method; delaying this job",
    );
    await report.delayed(seconds, Math.ceil(deps.now() / 1000) + seconds);
    // A delayed job, not a retry: no attempt is used, and it runs again when the wait is over.
    await job.moveToDelayed(deps.now() + seconds * 1000, job.token);
    throw new DelayedError();
  }

  if (category === "flood") {
    const seconds = Math.max(1, Math.ceil(facts.seconds ?? 1));
    deps.floodGate.close(seconds);
    const waitEndsAt = Math.ceil(deps.now() / 1000) + deps.floodGate.secondsLeft();
    log.warn({ seconds }, "Telegram asked this account to wait; pausing the calls queue");
    await report.delayed(deps.floodGate.secondsLeft() || seconds, waitEndsAt);
    await deps.rateLimitQueue(deps.floodGate.secondsLeft() * 1000);
    throw Worker.RateLimitError();
  }

  const failure: CallFailure = { errorName: facts.errorName, category };
  if (category === "session") {
    deps.sessionDeath.declare(facts.errorName);
    await report.failed(failure);
    throw markReported(new UnrecoverableError(`${facts.errorName}: the userbot's session is dead`));
  }

  if (category === "retry") {
    const attempts = job.opts.attempts ?? 1;
    // A job handed back at shutdown runs again elsewhere; it is not its last attempt.
    const last = job.attemptsMade + 1 >= attempts && !deps.isShuttingDown?.();
    log.warn({ err: error, last }, last ? "giving up after the last attempt" : "will retry");
    const rethrown = new Error(`${facts.errorName}: ${messageOf(error)}`);
    if (last) {
      await report.failed(failure);
      markReported(rethrown);
    }
    throw rethrown;
  }

  log.info({ reason: messageOf(error) }, "request refused; not retrying");
  await report.failed(failure);
  throw markReported(new UnrecoverableError(`${facts.errorName}: ${messageOf(error)}`));
}

/** Marks an error whose outcome the processor already published. */
export function markReported<E extends Error>(error: E): E {
  reported.add(error);
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
