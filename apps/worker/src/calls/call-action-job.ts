import { type CallActionRequest, isAutomaticAction, type TargetChat } from "@callbot/shared";
import { type Job, Worker } from "bullmq";
import type { Logger } from "pino";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import { runOnTargetPeer } from "../peers/run-on-target-peer.ts";
import { callActionReporter } from "../results/outcome-reporter.ts";
import { type ResultsPublisher, resultJobIds } from "../results/results-publisher.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { checkRequesterStillAllowed } from "./check-requester-rights.ts";
import { DEFAULT_RECHECK_RIGHTS_AFTER_MS } from "./create-group-call-job.ts";
import {
  type ForwardTiming,
  planRecordingForward,
  type RecordingForwardQueues,
  RecordingLeftToAnotherAccount,
} from "./forward-recording.ts";
import { type HandOnDeps, handOnAction } from "./hand-on-action.ts";
import { handleCallError } from "./handle-call-error.ts";
import { failureCategory, readTelegramFailure } from "./read-telegram-failure.ts";
import type { RecordingClaims } from "./recording-claims.ts";
import type { RecordingStarters } from "./recording-starters.ts";
import type { RtmpRotationClaims } from "./rtmp-rotation-claims.ts";
import { runCallAction } from "./run-call-action.ts";

export interface CallActionJobDeps extends HandOnDeps {
  invoke: InvokeTelegram;
  resolveTarget: (target: TargetChat) => Promise<ResolvedTarget>;
  publisher: ResultsPublisher;
  logger: Logger;
  now: () => number;
  /** A job that waited longer than this re-checks the requester's rights (one extra request). */
  recheckRightsAfterMs?: number;
  /** Whether a user is an operator (OWNER_IDS, as the bot publishes them): allowed everywhere, not re-checked. */
  isOperator: (userId: number) => Promise<boolean>;
  /** One key revocation per /rotatekey request, whatever runs it again. */
  rotationClaims: RtmpRotationClaims;
  /** The account's forwarded recording files (one forward per file). */
  recordingClaims: RecordingClaims;
  /** Who started which call's recording through callbot. */
  recordingStarters: RecordingStarters;
  /** This worker's account. */
  accountId: number;
  /**
   * Where a recording stopped with a chat to forward it to gets its forward-recording jobs: the
   * queues of the accounts whose Saved Messages may get the file (this account's, and the
   * starter's when another account started it).
   */
  recordingForwards: RecordingForwardQueues;
  /** When the forward-recording job looks for the file (tests shorten it). */
  forwardTiming?: ForwardTiming;
}

/** What the calls queue keeps as the job's return value: never the stream key or invite link. */
export interface CallActionJobSummary {
  /** "handed-on": this account could not run it now; the account in `reason` runs it. */
  status: "done" | "skipped" | "handed-on";
  reason?: string;
}

/**
 * Runs a call-action job (/calls buttons, rename, key rotation, auto-start), whose data the
 * worker has parsed (parseCallsJob). Like create-call, the outcome is published on the results
 * queue (once, under a job id derived from the requestId) before the job settles; errors go
 * through handleCallError (fail, retry, flood wait, session).
 */
export function callActionJob(
  deps: CallActionJobDeps,
): (job: Job, request: CallActionRequest) => Promise<CallActionJobSummary> {
  const recheckAfterMs = deps.recheckRightsAfterMs ?? DEFAULT_RECHECK_RIGHTS_AFTER_MS;

  return async (job, request) => {
    const log = deps.logger.child({
      jobId: job.id,
      requestId: request.requestId,
      action: request.action,
      chatId: request.target.chatId,
    });

    if (deps.sessionDeath.errorName !== undefined) {
      // See createGroupCallJob: a job fetched just after the session died goes back untouched.
      log.warn("the session is dead; handing the job back to the queue");
      throw Worker.RateLimitError();
    }

    const report = callActionReporter(request, deps);
    try {
      const outcome = await runOnTargetPeer(deps.resolveTarget, request.target, async (target) => {
        if (
          mustRecheckRights(request, deps.now(), recheckAfterMs) &&
          !(await deps.isOperator(request.requester.userId))
        ) {
          // Rights may have been revoked while the job waited; rotating the key needs the owner.
          // Operators are allowed everywhere by the bot, for as long as they are in OWNER_IDS.
          await checkRequesterStillAllowed(
            deps.invoke,
            target,
            request.requester.userId,
            request.action === "rotate-rtmp-key",
            "RTMP_KEY_OWNER_ONLY",
          );
        }
        return runCallAction(deps.invoke, request, target, deps.rotationClaims, {
          now: deps.now,
          recordingStarted: (callId) => deps.recordingStarters.started(callId, deps.accountId),
          recordingClaims: deps.recordingClaims,
          recordingLookouts: deps.recordingForwards.lookouts,
          lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) && !deps.isShuttingDown?.(),
          planForward: (stop, stoppedAt) =>
            planRecordingForward(deps.recordingForwards, stop, stoppedAt, deps.now(), deps.forwardTiming),
        });
      });
      await deps.publisher.publish(
        { v: request.v, kind: "call-action", request, outcome, finishedAt: deps.now() },
        resultJobIds.final(request.requestId),
      );
      log.info(
        { status: outcome.status, ...(outcome.status === "skipped" ? { reason: outcome.reason } : {}) },
        "call action finished",
      );
      return outcome.status === "skipped"
        ? { status: "skipped", reason: outcome.reason }
        : { status: "done" };
    } catch (error) {
      const quiet = await endsQuietly(error, request, deps);
      if (quiet) {
        // Nothing to tell: the account that forwards the recording, or the last to give up, does.
        log.info({ reason: quiet }, "this account's look for the recording ends");
        return { status: "skipped", reason: quiet };
      }
      const to = await handOnAction(error, job, deps);
      if (to !== undefined) return { status: "handed-on", reason: `account ${to}` };
      return handleCallError(error, job, report, deps);
    }
  };
}

/**
 * A user's action that waited in the queue is checked again. An auto-start (or auto-end)
 * is not: it was decided when the call was created, and whoever can manage the chat's calls
 * can still discard the scheduled call in Telegram, which the auto-start then respects.
 */
function mustRecheckRights(request: CallActionRequest, nowMs: number, recheckAfterMs: number): boolean {
  if (isAutomaticAction(request)) return false;
  return nowMs - request.requestedAt > recheckAfterMs;
}

/**
 * Why a look for a recording ends without a word, if it does: another account found the file,
 * or still looks (RecordingLeftToAnotherAccount); or this account's session died while another
 * looks on (the death is declared here, as handleCallError would). Otherwise undefined: the
 * error takes its usual way, and a single account's look reports as it always did.
 */
async function endsQuietly(
  error: unknown,
  request: CallActionRequest,
  deps: CallActionJobDeps,
): Promise<string | undefined> {
  if (error instanceof RecordingLeftToAnotherAccount) return error.message;
  if (request.action !== "forward-recording") return undefined;
  const facts = readTelegramFailure(error);
  if (failureCategory(facts) !== "session") return undefined;
  if (!(await deps.recordingForwards.lookouts.othersCarryOn(request.requestId))) return undefined;
  deps.sessionDeath.declare(facts.errorName);
  return "this account's session died; another account looks for the recording";
}
