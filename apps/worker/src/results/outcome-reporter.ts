import {
  CALL_JOB_NAMES,
  type CallActionRequest,
  CallActionRequestSchema,
  type CallFailure,
  type CreateCallRequest,
  CreateCallRequestSchema,
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

export function createCallReporter(request: CreateCallRequest, deps: ReporterDeps): OutcomeReporter {
  return {
    requestId: request.requestId,
    failed: (failure) =>
      deps.publisher.publish(
        {
          v: 1,
          kind: "create-call",
          request,
          outcome: { status: "failed", failure },
          finishedAt: deps.now(),
        },
        resultJobIds.final(request.requestId),
      ),
    delayed: async (delaySeconds, waitEndsAtSeconds) => {
      // Without a "queued" message (a recurring occurrence) nobody is watching this request:
      // a notice would only add a message to the chat; the final result still comes.
      if (request.ack === undefined) return;
      await deps.publisher.publish(
        {
          v: 1,
          kind: "create-call",
          request,
          outcome: { status: "delayed", delaySeconds },
          finishedAt: deps.now(),
        },
        resultJobIds.delayed(request.requestId, waitEndsAtSeconds),
      );
    },
  };
}

export function callActionReporter(request: CallActionRequest, deps: ReporterDeps): OutcomeReporter {
  return {
    requestId: request.requestId,
    failed: (failure) =>
      deps.publisher.publish(
        {
          v: 1,
          kind: "call-action",
          request,
          outcome: { status: "failed", failure },
          finishedAt: deps.now(),
        },
        resultJobIds.final(request.requestId),
      ),
    delayed: async (delaySeconds, waitEndsAtSeconds) => {
      // An auto-start has no message to edit; see createCallReporter.
      if (request.ack === undefined) return;
      await deps.publisher.publish(
        {
          v: 1,
          kind: "call-action",
          request,
          outcome: { status: "delayed", delaySeconds },
          finishedAt: deps.now(),
        },
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
  job: { name: string; data: unknown },
  deps: ReporterDeps,
): OutcomeReporter | undefined {
  if (job.name === CALL_JOB_NAMES.createCall) {
    const parsed = CreateCallRequestSchema.safeParse(job.data);
    return parsed.success ? createCallReporter(parsed.data, deps) : undefined;
  }
  if (job.name === CALL_JOB_NAMES.callAction) {
    const parsed = CallActionRequestSchema.safeParse(job.data);
    return parsed.success ? callActionReporter(parsed.data, deps) : undefined;
  }
  return undefined;
}
