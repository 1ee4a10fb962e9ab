import type { CallsQueue, CreateCallRequest, TargetChat } from "@callbot/shared";
import { DelayedError, type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import { runOnTargetPeer } from "../peers/run-on-target-peer.ts";
import { createCallReporter, createWasSent } from "../results/outcome-reporter.ts";
import { type ResultsPublisher, resultJobIds } from "../results/results-publisher.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import type { ChatCreateTurns } from "./chat-create-turns.ts";
import { checkRequesterStillAllowed } from "./check-requester-rights.ts";
import { checkScheduleStillValid } from "./check-schedule-still-valid.ts";
import { type CreateAttempts, createGroupCall } from "./create-group-call.ts";
import { type CallErrorDeps, handleCallError } from "./handle-call-error.ts";
import {
  DEFAULT_PLANNED_HOP_MS,
  DEFAULT_RECURRING_RECHECK_MS,
  plannedJobGate,
  recurringRecheckDelayMs,
} from "./recurring-wait.ts";
import { scheduleAutostart } from "./schedule-autostart.ts";

export interface CreateGroupCallJobDeps extends CallErrorDeps {
  invoke: InvokeTelegram;
  resolveTarget: (target: TargetChat) => Promise<ResolvedTarget>;
  publisher: ResultsPublisher;
  logger: Logger;
  now: () => number;
  /** A job that waited longer than this re-checks the requester's rights (one extra request). */
  recheckRightsAfterMs?: number;
  /** Whether a user is an operator (OWNER_IDS, as the bot publishes them): allowed everywhere, not re-checked. */
  isOperator: (userId: number) => Promise<boolean>;
  /** One create at a time per chat, across every worker: a second create would end the first call. */
  chatTurns: ChatCreateTurns;
  /** Where the delayed auto-start of a scheduled call is added. */
  callsQueue: CallsQueue;
  /** A recurring occurrence (or planned call) whose chat has another call checks again after this long. */
  recurringRecheckMs?: number;
  /** An early planned call's job looks at the clock again after at most this long. @defaultValue 1 h */
  plannedHopMs?: number;
  /** Where the bot marks planned calls it cancelled or moved (plannedWithdrawnKey), under `prefix`. */
  redis?: Redis;
  prefix?: string;
}

/**
 * What the calls queue keeps as the job's return value: no credentials, just what was made, or
 * the chat's call that stopped it.
 */
export type CreateCallJobSummary = { callId: string } | { existingCallId: string } | { withdrawn: true };

export const DEFAULT_RECHECK_RIGHTS_AFTER_MS = 60_000;

/**
 * Runs a create-call job, whose data the worker has parsed (parseCallsJob). Every outcome the
 * requester must hear is published to the results queue before the job settles; errors are
 * turned into BullMQ's retry, fail or rate-limit by handleCallError.
 */
export function createGroupCallJob(
  deps: CreateGroupCallJobDeps,
): (job: Job, request: CreateCallRequest, token?: string) => Promise<CreateCallJobSummary> {
  const recheckAfterMs = deps.recheckRightsAfterMs ?? DEFAULT_RECHECK_RIGHTS_AFTER_MS;
  const recurringRecheckMs = deps.recurringRecheckMs ?? DEFAULT_RECURRING_RECHECK_MS;
  const plannedHopMs = deps.plannedHopMs ?? DEFAULT_PLANNED_HOP_MS;

  return async (job, request, token) => {
    const log = deps.logger.child({
      jobId: job.id,
      requestId: request.requestId,
      chatId: request.target.chatId,
    });

    if (deps.sessionDeath.errorName !== undefined) {
      // The worker pauses when the session dies, but a fetch that was already blocking on Redis
      // can still hand it one more job. Put it back untouched (no attempt used) for a worker
      // with a working session; RateLimitError is BullMQ's way to move an active job to wait.
      log.warn("the session is dead; handing the job back to the queue");
      throw Worker.RateLimitError();
    }

    // A planned call not yet within its lead goes back to wait, costing no attempt and no Telegram request.
    const gate = await plannedJobGate(job, token, request, {
      now: deps.now(),
      hopMs: plannedHopMs,
      redis: deps.redis,
      prefix: deps.prefix ?? "",
    });
    if (gate === "withdrawn") {
      log.info("the planned call was cancelled or moved; nothing created");
      return { withdrawn: true };
    }

    try {
      checkScheduleStillValid(request.scheduleDate, deps.now());
      const outcome = await runOnTargetPeer(deps.resolveTarget, request.target, async (target) => {
        if (
          (request.recurrence !== undefined || deps.now() - request.requestedAt > recheckAfterMs) &&
          !(await deps.isOperator(request.requester.userId))
        ) {
          // Rights may have been revoked while the job waited, or since a recurring rule was made
          // (maybe weeks ago); fresh jobs rely on the bot's check. Operators hold no chat rights
          // to re-check: the bot allows them everywhere, for as long as they are in OWNER_IDS.
          await checkRequesterStillAllowed(deps.invoke, target, request.requester.userId, request.rtmp);
        }
        return deps.chatTurns.run(request.target.chatId, request.requestId, () =>
          createGroupCall({ invoke: deps.invoke, attempts: attemptsOf(job), logger: log }, request, target),
        );
      });
      if (outcome.status === "exists") {
        // A recurring occurrence or a planned call never replaces a call: it waits for that call to end.
        const waitMs = recurringRecheckDelayMs(request, deps.now(), recurringRecheckMs);
        if (waitMs !== undefined && token !== undefined) {
          log.info(
            { existingCallId: outcome.existing.id, recheckInMs: waitMs },
            "the chat still has another call; the occurrence or planned call waits for it to end",
          );
          await job.moveToDelayed(Date.now() + waitMs, token);
          throw new DelayedError();
        }
        await deps.publisher.publish(
          { v: 1, kind: "create-call", request, outcome, finishedAt: deps.now() },
          resultJobIds.final(request.requestId),
        );
        log.info({ existingCallId: outcome.existing.id }, "the chat already has a call; nothing created");
        return { existingCallId: outcome.existing.id };
      }
      if (request.autostart === true) {
        // Before the result, so that a report of "will start by itself" is already true.
        await scheduleAutostart(deps.callsQueue, request, outcome.call, deps.now());
      }
      await deps.publisher.publish(
        { v: 1, kind: "create-call", request, outcome, finishedAt: deps.now() },
        resultJobIds.final(request.requestId),
      );
      log.info(
        { callId: outcome.call.id, scheduled: request.scheduleDate !== undefined, rtmp: request.rtmp },
        "call created",
      );
      return { callId: outcome.call.id };
    } catch (error) {
      // The occurrence was put back to wait (BullMQ's way: moveToDelayed, then DelayedError).
      if (error instanceof DelayedError) throw error;
      return handleCallError(error, job, createCallReporter(request, deps, job), deps);
    }
  };
}

/** Kept in the job's progress, which BullMQ stores with the job and keeps across attempts. */
function attemptsOf(job: Job): CreateAttempts {
  return {
    createWasSent: createWasSent(job),
    markCreateSent: () => job.updateProgress({ createSent: true }),
  };
}
