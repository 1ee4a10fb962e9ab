import type { CallSnapshot, ExistingCall } from "@callbot/shared";
import { Api } from "telegram";
import { updatesIn } from "../telegram/updates-in.ts";

/**
 * A call as Telegram described it, in the contract's shape. A `groupCall` with a schedule date
 * has not started; without one it is live. A `groupCallDiscarded` carries no more than its ids,
 * so its `rtmp` is reported as false (unknown).
 */
export function snapshotOfCall(call: Api.TypeGroupCall): CallSnapshot {
  const ids = { id: call.id.toString(), accessHash: call.accessHash.toString() };
  if (call instanceof Api.GroupCallDiscarded) return { ...ids, state: "discarded", rtmp: false };
  // gramjs's reader gives null, not undefined, for optional fields that were absent on the wire.
  return {
    ...ids,
    state: call.scheduleDate != null ? "scheduled" : "active",
    ...(call.title != null ? { title: call.title } : {}),
    ...(call.scheduleDate != null ? { scheduleDate: call.scheduleDate } : {}),
    rtmp: call.rtmpStream === true,
    recording: call.recordStartDate != null,
    joinMuted: call.joinMuted === true,
  };
}

/** The call when it is scheduled or live; undefined for a discarded one. */
export function liveCallOf(call: Api.TypeGroupCall): ExistingCall | undefined {
  // The recording and join settings are the in-call controls' concern, not a create's.
  const { recording: _recording, joinMuted: _joinMuted, ...snapshot } = snapshotOfCall(call);
  return snapshot.state === "discarded" ? undefined : { ...snapshot, state: snapshot.state };
}

/**
 * The call's new state from the Updates a call-changing method answered with (its
 * updateGroupCall, as for createGroupCall). Undefined when there is none: the change was
 * accepted all the same, so the action is not failed for it.
 */
export function readCallSnapshot(updates: Api.TypeUpdates, callId: string): CallSnapshot | undefined {
  for (const update of updatesIn(updates)) {
    if (update instanceof Api.UpdateGroupCall && update.call.id.toString() === callId) {
      return snapshotOfCall(update.call);
    }
  }
  return undefined;
}
