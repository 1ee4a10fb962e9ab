import type { CallActionOutcome, CallActionRequest, CallRef } from "@callbot/shared";
import { Api } from "telegram";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { type ActOnCall, actOnChatCall } from "./act-on-chat-call.ts";
import { CallJobError } from "./call-job-error.ts";
import { runForwardRecording } from "./forward-recording.ts";
import { readCallSnapshot, snapshotOfCall } from "./read-call-snapshot.ts";
import { refusedCallHasEnded } from "./read-chat-current-call.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";
import { keyFingerprint, type RtmpRotationClaims } from "./rtmp-rotation-claims.ts";
import { type InCallActionDeps, runInCallAction } from "./run-in-call-action.ts";

type Finished = Exclude<CallActionOutcome, { status: "failed" } | { status: "delayed" }>;

/** Telegram's ways of saying "that call is over" (or gone: discarded calls are forgotten). */
const ENDED_ERRORS = new Set(["GROUPCALL_ALREADY_DISCARDED", "GROUPCALL_INVALID"]);

/**
 * The Telegram part of a call action, once its target is resolved: one request per action
 * (an auto-start reads the call first). Start and end are idempotent in outcome: when the call
 * already is where the action would take it (started, or ended, by hand in Telegram or by an
 * earlier attempt of this job whose answer was lost), the outcome is "skipped" rather than a
 * failure. Other refusals are thrown for the usual error handling.
 */
export async function runCallAction(
  invoke: InvokeTelegram,
  request: CallActionRequest,
  target: ResolvedTarget,
  rotationClaims: RtmpRotationClaims,
  inCall: Omit<InCallActionDeps, "invoke">,
): Promise<Finished> {
  switch (request.action) {
    case "start":
      return startCall(invoke, requireCall(request), request.onlyIfScheduled === true, target);
    case "end": {
      const call = requireCall(request);
      const ended = await endCall(actOnChatCall(invoke, target, call), call.id, invoke);
      // The call was being recorded (the bot says so by naming where recordings go): ending it
      // stopped the recording, and Telegram delivers the file as after a stop.
      if (ended.status === "done" && request.forwardTo)
        await inCall.planForward(request, Math.floor(inCall.now() / 1000));
      return ended;
    }
    case "rename": {
      const call = requireCall(request);
      if (request.title === undefined) throw invalid("rename needs a title");
      try {
        const title = request.title;
        const updates = await actOnChatCall(
          invoke,
          target,
          call,
        )((input) => invoke(new Api.phone.EditGroupCallTitle({ call: input, title })));
        return done(readCallSnapshot(updates, call.id));
      } catch (error) {
        // The call already has that title: what the user asked for is true (TDLib counts it as
        // success, GroupCallManager.cpp EditGroupCallTitleQuery).
        if (readTelegramFailure(error).errorName === "GROUPCALL_NOT_MODIFIED") return { status: "done" };
        throw error;
      }
    }
    case "invite-link": {
      const exported = await actOnChatCall(
        invoke,
        target,
        requireCall(request),
      )((call) => invoke(new Api.phone.ExportGroupCallInvite({ call })));
      return { status: "done", inviteLink: exported.link };
    }
    case "rtmp-credentials":
      return rtmpCredentials(invoke, target, false);
    case "rotate-rtmp-key":
      return rotateRtmpKey(invoke, request, target, rotationClaims);
    case "record-start":
    case "record-stop":
    case "mute-new-participants":
    case "unmute-new-participants":
    case "speaker-link":
    case "reset-links":
    case "invite-users":
      return runInCallAction(request, requireCall(request), target, { ...inCall, invoke });
    case "forward-recording":
      // The target is where the recording goes.
      return runForwardRecording(invoke, request, target, inCall);
  }
}

async function rtmpCredentials(
  invoke: InvokeTelegram,
  target: ResolvedTarget,
  revoke: boolean,
): Promise<Finished> {
  const rtmp = await invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer: target.peer, revoke }));
  return { status: "done", rtmpCredentials: { url: rtmp.url, key: rtmp.key } };
}

/**
 * Revoking replaces the key: the old one stops working at once (the chat's owner only). Each run
 * reads the live key first. Only the run that claims the rotation revokes; a later run of the
 * same request (a retry after a timeout, a stalled job run again) hands out the live key once it
 * differs from the one the first run replaced, and otherwise waits for the first revocation to
 * show (a retry), so the user never gets a key that a second revocation killed. When Telegram
 * refused the revocation it did not happen, and the claim is given back for the retry to revoke.
 */
async function rotateRtmpKey(
  invoke: InvokeTelegram,
  request: CallActionRequest,
  target: ResolvedTarget,
  rotationClaims: RtmpRotationClaims,
): Promise<Finished> {
  const live = await rtmpCredentials(invoke, target, false);
  const liveKey = live.status === "done" ? (live.rtmpCredentials?.key ?? "") : "";
  const claim = await rotationClaims.claim(request.requestId, liveKey);
  if (!claim.first) {
    if (keyFingerprint(liveKey) !== claim.replaced) return live;
    throw new CallJobError(
      "RTMP_ROTATION_UNCONFIRMED",
      "an earlier run sent the revocation; the live key has not changed yet",
      "retry",
    );
  }
  try {
    return await rtmpCredentials(invoke, target, true);
  } catch (error) {
    if (notCarriedOut(error)) await rotationClaims.release(request.requestId);
    throw error;
  }
}

/** Telegram refused the request (4xx, a flood wait), or it was never sent (the account lock was lost). */
function notCarriedOut(error: unknown): boolean {
  const { code, errorName } = readTelegramFailure(error);
  return (code !== undefined && code >= 400 && code < 500) || errorName === "ACCOUNT_LOCK_LOST";
}

async function startCall(
  invoke: InvokeTelegram,
  call: CallRef,
  onlyIfScheduled: boolean,
  target: ResolvedTarget,
): Promise<Finished> {
  const onCall = actOnChatCall(invoke, target, call);
  try {
    if (onlyIfScheduled) {
      // An auto-start looks before it acts: a call started by hand meanwhile costs no start request.
      let current: Api.phone.GroupCall;
      try {
        current = await onCall((input) => invoke(new Api.phone.GetGroupCall({ call: input, limit: 1 })));
      } catch (error) {
        // Telegram may refuse to look up an ended call (GROUPCALL_INVALID or GROUPCALL_FORBIDDEN)
        // instead of answering groupCallDiscarded. FORBIDDEN is read as "ended" only once the chat
        // no longer names this call: while it does, the account lost access and the start fails.
        if (await refusedCallHasEnded(invoke, target, call.id, error))
          return { status: "skipped", reason: "already-ended" };
        throw error;
      }
      const snapshot = snapshotOfCall(current.call);
      if (snapshot.state === "active") return { status: "skipped", reason: "already-started" };
      if (snapshot.state === "discarded") return { status: "skipped", reason: "already-ended" };
    }
    const updates = await onCall((input) => invoke(new Api.phone.StartScheduledGroupCall({ call: input })));
    return done(readCallSnapshot(updates, call.id));
  } catch (error) {
    const { errorName } = readTelegramFailure(error);
    // TDLib's StartScheduledGroupCallQuery counts GROUPCALL_NOT_MODIFIED as success: the call is live.
    if (errorName === "GROUPCALL_ALREADY_STARTED" || errorName === "GROUPCALL_NOT_MODIFIED")
      return { status: "skipped", reason: "already-started" };
    if (ENDED_ERRORS.has(errorName)) return { status: "skipped", reason: "already-ended" };
    throw error;
  }
}

async function endCall(onCall: ActOnCall, callId: string, invoke: InvokeTelegram): Promise<Finished> {
  try {
    const updates = await onCall((input) => invoke(new Api.phone.DiscardGroupCall({ call: input })));
    return done(readCallSnapshot(updates, callId));
  } catch (error) {
    if (ENDED_ERRORS.has(readTelegramFailure(error).errorName)) {
      return { status: "skipped", reason: "already-ended" };
    }
    throw error;
  }
}

function done(call: ReturnType<typeof readCallSnapshot>): Finished {
  return { status: "done", ...(call ? { call } : {}) };
}

function requireCall(request: CallActionRequest): CallRef {
  if (!request.call) throw invalid(`${request.action} needs the call`);
  return request.call;
}

/** A request that fits the schema but not its action: a bug on the bot's side, not worth a retry. */
function invalid(detail: string): CallJobError {
  return new CallJobError("INVALID_CALL_ACTION", detail, "permanent");
}
