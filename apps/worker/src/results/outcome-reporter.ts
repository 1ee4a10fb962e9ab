import {
  type CallActionRequest,
  type CallFailure,
  type CreateCallRequest,
  type JoinChatRequest,
  readCallsJob,
} from "@callbot/shared";
import { type ResultsPublisher, resultJobIds } from "./results-publisher.ts";

/**
 * What the error path tells the requester, whatever kind of job failed: create-call and
 * call-action jobs report on the results queue in their own message kinds, under job ids derived
 * from the requestId so that a retried attempt never reports twice.
 */
export interface OutcomeReporter {
  readonly requestId: string;
  /** The final failure. */
  failed(failure: CallFailure): Promise<void>;
  /** Not final: Telegram asked the account to wait; the job runs again after the wait. */
  delayed(delaySeconds: number, waitEndsAtSeconds: number): Promise<void>;
}

export interface ReporterDeps {
  publisher: ResultsPublisher;
  now: () => number;
}

/**
 * The reporter of a create-call job. Once its createGroupCall was sent (this attempt or an earlier
 * one: the mark in the job's progress, create-group-call.ts), Telegram may have made the call
 * before the session died, and the requester must not read "nothing was created": a session
 * failure is reported as SESSION_DIED_AFTER_CREATE, which says to look at the chat first. The
 * job is not moved to another account either (its random_id guards only this account's retries).
 */
export function createCallReporter(
  request: CreateCallRequest,
  deps: ReporterDeps,
  job?: { progress?: unknown },
): OutcomeReporter {
  const reporter = reporterFor("create-call", request, deps);
  if (!job || !createWasSent(job)) return reporter;
  return {
    ...reporter,
    failed: (failure) =>
      reporter.failed(
        failure.category === "session" ? { ...failure, errorName: SESSION_DIED_AFTER_CREATE } : failure,
      ),
  };
}

/** callbot's name for a session that died after a create was sent: the call may exist. */
export const SESSION_DIED_AFTER_CREATE = "SESSION_DIED_AFTER_CREATE";

/** Whether createGroupCall was sent for this create-call job: the mark kept in its progress. */
export function createWasSent(job: { progress?: unknown }): boolean {
  const progress = job.progress;
  return typeof progress === "object" && progress !== null && "createSent" in progress;
}

export function callActionReporter(request: CallActionRequest, deps: ReporterDeps): OutcomeReporter {
  return reporterFor("call-action", request, deps);
}

export function joinChatReporter(request: JoinChatRequest, deps: ReporterDeps): OutcomeReporter {
  return reporterFor("join-chat", request, deps);
}

/** One reporter for every kind: the message differs only in its `kind` and the request it echoes. */
function reporterFor(
  kind: "create-call" | "call-action" | "join-chat",
  request: CreateCallRequest | CallActionRequest | JoinChatRequest,
  deps: ReporterDeps,
): OutcomeReporter {
  const publish = (
    outcome: { status: "failed"; failure: CallFailure } | { status: "delayed"; delaySeconds: number },
    jobId: string,
  ) =>
    deps.publisher.publish(
      // The union cannot be narrowed from `kind` alone; the publisher validates the message.
      // A call action answers in its job's version, so that the bot that wrote the job reads it.
      { v: "v" in request ? request.v : 1, kind, request, outcome, finishedAt: deps.now() } as Parameters<
        ResultsPublisher["publish"]
      >[0],
      jobId,
    );
  return {
    requestId: request.requestId,
    failed: (failure) => publish({ status: "failed", failure }, resultJobIds.final(request.requestId)),
    delayed: async (delaySeconds, waitEndsAtSeconds) => {
      // Without a message to edit (a recurring occurrence, an auto-start) nobody is watching this
      // request: a notice would only add a message to the chat; the final result still comes.
      if (request.ack === undefined) return;
      await publish(
        { status: "delayed", delaySeconds },
        resultJobIds.delayed(request.requestId, waitEndsAtSeconds),
      );
    },
  };
}

/**
 * The reporter for a job on the calls queue, from its name and data; undefined for jobs that
 * have no requester to tell (a recurring rule's tick) or whose data does not fit the contract.
 */
export function reporterForJob(
  job: { name: string; data: unknown; progress?: unknown },
  deps: ReporterDeps,
): OutcomeReporter | undefined {
  const { job: parsed } = readCallsJob(job);
  switch (parsed?.name) {
    case "create-call":
      return createCallReporter(parsed.data, deps, job);
    case "call-action":
      return callActionReporter(parsed.data, deps);
    case "join-chat":
      return joinChatReporter(parsed.data, deps);
    default:
      return undefined;
  }
}
