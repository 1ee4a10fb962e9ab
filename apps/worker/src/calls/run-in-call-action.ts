import type { CallActionOutcome, CallActionRequest, CallRef } from "@callbot/shared";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { actOnChatCall } from "./act-on-chat-call.ts";
import { CallJobError } from "./call-job-error.ts";
import { type InCallControl, runInCallControl } from "./in-call-controls.ts";
import { inviteToCall } from "./invite-to-call.ts";
import type { RecordingClaims } from "./recording-claims.ts";
import type { RecordingLookouts } from "./recording-lookouts.ts";
import { resolveInvitees } from "./resolve-invitees.ts";

type Finished = Exclude<CallActionOutcome, { status: "failed" } | { status: "delayed" }>;

export interface InCallActionDeps {
  invoke: InvokeTelegram;
  /**
   * After a recording stopped with a chat to forward it to: plans the forward-recording job that
   * waits for Telegram to deliver the file (forwardRecordingLater).
   */
  planForward: (stop: CallActionRequest, stoppedAt: number) => Promise<void>;
  /** Remembers that this account started a call's recording: its Saved Messages may get the file (RecordingStarters). */
  recordingStarted: (callId: string) => Promise<void>;
  /** Which recording files a forward already took, so that none is forwarded for two stops. */
  recordingClaims: RecordingClaims;
  /** Which account forwards a stop's recording when several look for it. */
  recordingLookouts: RecordingLookouts;
  /** This is the job's last attempt (a forward that finds nothing then ends its look). */
  lastAttempt: boolean;
  now: () => number;
}

/** The in-call controls (call-action version 2) on a live call: one Telegram request each, invites in batches. */
export async function runInCallAction(
  request: CallActionRequest,
  call: CallRef,
  target: ResolvedTarget,
  deps: InCallActionDeps,
): Promise<Finished> {
  if (request.action === "invite-users") {
    if (!request.invitees) throw invalid("invite-users needs invitees");
    const resolved = await resolveInvitees(deps.invoke, request.invitees, target);
    const attempts = await inviteToCall(
      deps.invoke,
      actOnChatCall(deps.invoke, target, call),
      resolved.flatMap((invitee) => (invitee.user ? [invitee.user] : [])),
    );
    const byUser = new Map(attempts.map((attempt) => [attempt.userId, attempt]));
    return {
      status: "done",
      invites: resolved.map(({ label, user }) => {
        if (!user) return { label, outcome: "not-found" as const };
        const attempt = byUser.get(user.userId.toJSNumber());
        if (!attempt) return { label, outcome: "left-out" as const };
        if (attempt.outcome === "refused") {
          return attempt.errorName === "USER_NOT_PARTICIPANT"
            ? { label, outcome: "not-member" as const }
            : {
                label,
                outcome: "refused" as const,
                ...(attempt.errorName && { errorName: attempt.errorName }),
              };
        }
        return { label, outcome: attempt.outcome };
      }),
    };
  }
  const outcome = await runInCallControl(
    deps.invoke,
    call,
    controlOf(request),
    actOnChatCall(deps.invoke, target, call),
  );
  if (outcome.status === "skipped") return outcome;
  if (request.action === "record-start") await deps.recordingStarted(call.id);
  if (request.action === "record-stop" && request.forwardTo) {
    await deps.planForward(request, Math.floor(deps.now() / 1000));
  }
  return {
    status: "done",
    ...(outcome.call && { call: outcome.call }),
    ...(outcome.speakerLink !== undefined && { speakerLink: outcome.speakerLink }),
  };
}

function controlOf(request: CallActionRequest): InCallControl {
  switch (request.action) {
    case "record-start": {
      if (!request.recording) throw invalid("record-start needs the recording's kind");
      return {
        kind: "record-start",
        ...(request.title !== undefined && { title: request.title }),
        video: request.recording.video,
        portrait: request.recording.portrait,
      };
    }
    case "record-stop":
      return { kind: "record-stop" };
    case "mute-new-participants":
    case "unmute-new-participants":
      return { kind: "mute-new-participants", muted: request.action === "mute-new-participants" };
    case "speaker-link":
      return { kind: "speaker-link" };
    case "reset-links":
      return { kind: "reset-links" };
    default:
      throw invalid(`${request.action} is not an in-call control`);
  }
}

function invalid(detail: string): CallJobError {
  return new CallJobError("INVALID_CALL_ACTION", detail, "permanent");
}
