import type { ExistingCall } from "@callbot/shared";
import { Api } from "telegram";
import { updatesIn } from "../telegram/updates-in.ts";
import { CallJobError } from "./call-job-error.ts";
import { liveCallOf } from "./read-call-snapshot.ts";

/**
 * Takes the created call from createGroupCall's Updates, as TDLib does: the live or scheduled
 * groupCall inside it. A groupCallDiscarded is skipped: when the create replaced the chat's
 * earlier call, that call's discard comes first in the same Updates. A result without a live
 * call is an error, not a success without data.
 */
export function readCreatedCall(updates: Api.TypeUpdates): ExistingCall {
  for (const update of updatesIn(updates)) {
    if (!(update instanceof Api.UpdateGroupCall)) continue;
    const call = liveCallOf(update.call);
    if (call) return call;
  }
  throw new CallJobError(
    "NO_CALL_IN_UPDATES",
    `createGroupCall answered ${updates.className} without a live or scheduled call`,
    "permanent",
  );
}
