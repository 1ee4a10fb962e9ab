import {
  addCallsJob,
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CallActionOutcome,
  type CallActionRequest,
  type CallsQueue,
} from "@callbot/shared";
import type { Api } from "telegram";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { CallJobError } from "./call-job-error.ts";
import type { RecordingClaims } from "./recording-claims.ts";
import { findRecordings, forwardRecording } from "./recording-delivery.ts";

/**
 * How the forward-recording job waits for Telegram to deliver the file: it first looks after
 * `firstLookMs`, then retries with exponential backoff (5 s, 10 s, 20 s, … about 21 minutes in
 * all over 8 attempts). Telegram documents no delivery time; a long recording takes a while.
 */
export interface ForwardTiming {
  firstLookMs: number;
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_FORWARD_TIMING: ForwardTiming = { firstLookMs: 5_000, attempts: 8, backoffMs: 5_000 };

/**
 * After a stop with a chat to forward to: a delayed forward-recording job, one per stop (its id
 * derives from the stop's), whose target is that chat and whose requester is the one who
 * stopped (told where the file went, in the chat they asked in). A BullMQ job, so it outlives
 * a restart of the worker while Telegram prepares the file.
 */
export async function planRecordingForward(
  callsQueue: CallsQueue,
  stop: CallActionRequest,
  stoppedAt: number,
  nowMs: number,
  timing: ForwardTiming = DEFAULT_FORWARD_TIMING,
): Promise<void> {
  if (!stop.forwardTo) return;
  const { ack: _ack, forwardTo, recording: _recording, call: _call, ...rest } = stop;
  const forward: CallActionRequest = {
    ...rest,
    v: 2,
    requestId: `fwd_${stop.requestId}`.slice(0, 200),
    action: "forward-recording",
    target: forwardTo,
    recordedIn: stop.target,
    recordedUntil: stoppedAt,
    requestedAt: nowMs,
  };
  await addCallsJob(callsQueue, CALL_JOB_NAMES.callAction, forward, {
    delay: timing.firstLookMs,
    attempts: timing.attempts,
    backoff: { type: "exponential", delay: timing.backoffMs },
    removeOnComplete: CALL_JOB_DEFAULTS.removeOnComplete,
  });
}

/**
 * Finds the stopped recording in Saved Messages and forwards it to the job's target. Until
 * Telegram has delivered it, the attempt fails as "retry" (RECORDING_NOT_DELIVERED), so BullMQ
 * looks again later; after the last attempt the requester is told to forward it by hand.
 */
export async function runForwardRecording(
  invoke: InvokeTelegram,
  request: CallActionRequest,
  destination: ResolvedTarget,
  claims: RecordingClaims,
): Promise<Extract<CallActionOutcome, { status: "done" }>> {
  if (request.recordedUntil === undefined || request.recordedIn === undefined)
    throw new CallJobError(
      "INVALID_CALL_ACTION",
      "forward-recording needs the stop's time and chat",
      "permanent",
    );
  let recording: Api.Message | undefined;
  for (const candidate of await findRecordings(invoke, request.recordedUntil, request.title)) {
    if (await claims.claim(candidate.id, request.requestId)) {
      recording = candidate;
      break;
    }
  }
  if (!recording)
    throw new CallJobError(
      "RECORDING_NOT_DELIVERED",
      "no recording in Saved Messages since the stop yet",
      "retry",
    );
  const messageId = await forwardRecording(invoke, recording.id, destination.peer);
  return {
    status: "done",
    forwarded: { to: request.target, ...(messageId !== undefined && { messageId }) },
  };
}
