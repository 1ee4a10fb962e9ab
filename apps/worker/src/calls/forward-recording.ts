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
import type { RecordingLookouts } from "./recording-lookouts.ts";

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

/** Where the looks for a stopped recording are queued: the queues of the accounts whose Saved Messages may hold it. */
export interface RecordingForwardQueues {
  /**
   * The accounts that look for the file of a stop made by this worker's account: this account
   * first, then the one that started the recording when that was another account that is online
   * (RecordingStarters); Telegram does not say which of the two gets it.
   */
  lookersOf: (callId: string | undefined) => Promise<number[]>;
  /** The account's own calls queue, which only its worker takes. */
  queueOf: (accountId: number) => CallsQueue;
  lookouts: RecordingLookouts;
}

/**
 * After a stop with a chat to forward to: a delayed forward-recording job per account that
 * looks for the file (RecordingForwardQueues.lookersOf), in that account's own queue, all with
 * one request id derived from the stop's; the target is that chat and the requester the one who
 * stopped (told where the file went, in the chat they asked in, once: the results share that
 * id). A BullMQ job, so it outlives a restart of the worker while Telegram prepares the file.
 */
export async function planRecordingForward(
  queues: RecordingForwardQueues,
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
  const lookers = await queues.lookersOf(stop.call?.id);
  if (lookers.length > 1) await queues.lookouts.plan(forward.requestId, lookers.length);
  for (const [n, accountId] of lookers.entries()) {
    await addCallsJob(queues.queueOf(accountId), CALL_JOB_NAMES.callAction, forward, {
      // The stopper's look keeps the stop's forward id; another account's is named after it.
      ...(n > 0 && { jobId: `${forward.requestId}_on_${accountId}` }),
      delay: timing.firstLookMs,
      attempts: timing.attempts,
      backoff: { type: "exponential", delay: timing.backoffMs },
      removeOnComplete: CALL_JOB_DEFAULTS.removeOnComplete,
    });
  }
}

/**
 * A look for a stop's recording that ends without a word to the requester: another account
 * found the file and forwards it, or still looks and reports when it gives up.
 */
export class RecordingLeftToAnotherAccount extends Error {
  override readonly name = "RecordingLeftToAnotherAccount";
}

/** What a look for a recording needs besides Telegram: this account's claims, and whether the job has another attempt. */
export interface ForwardLookDeps {
  recordingClaims: RecordingClaims;
  recordingLookouts: RecordingLookouts;
  /** This is the job's last attempt: finding nothing now ends the look. */
  lastAttempt: boolean;
}

/**
 * Finds the stopped recording in this account's Saved Messages and forwards it to the job's
 * target. Until Telegram has delivered it, the attempt fails as "retry" (RECORDING_NOT_DELIVERED),
 * so BullMQ looks again later; after the last attempt the requester is told to forward it by
 * hand. When another account looks too (RecordingLookouts), the one that finds the file forwards
 * it and the other ends quietly (RecordingLeftToAnotherAccount); only the last to give up reports.
 */
export async function runForwardRecording(
  invoke: InvokeTelegram,
  request: CallActionRequest,
  destination: ResolvedTarget,
  deps: ForwardLookDeps,
): Promise<Extract<CallActionOutcome, { status: "done" }>> {
  const { recordingClaims: claims, recordingLookouts: lookouts } = deps;
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
  if (!recording) {
    if ((await lookouts.finder(request.requestId)) !== undefined)
      throw new RecordingLeftToAnotherAccount("another account found the recording and forwards it");
    if (deps.lastAttempt && (await lookouts.othersCarryOn(request.requestId)))
      throw new RecordingLeftToAnotherAccount("another account still looks for the recording");
    throw new CallJobError(
      "RECORDING_NOT_DELIVERED",
      "no recording in Saved Messages since the stop yet",
      "retry",
    );
  }
  if (!(await lookouts.found(request.requestId))) {
    await claims.release(recording.id, request.requestId);
    throw new RecordingLeftToAnotherAccount("another account found the recording and forwards it");
  }
  const messageId = await forwardRecording(invoke, recording.id, destination.peer);
  return {
    status: "done",
    forwarded: { to: request.target, ...(messageId !== undefined && { messageId }) },
  };
}
