import { Api } from "telegram";
import { CallJobError } from "./call-job-error.ts";

/**
 * Takes the created call from createGroupCall's Updates, as TDLib and the official apps do:
 * the updateGroupCall inside it. A result without one is an error, not a success without data.
 */
export function readCreatedCall(updates: Api.TypeUpdates): Api.GroupCall {
  const list =
    updates instanceof Api.Updates || updates instanceof Api.UpdatesCombined
      ? updates.updates
      : updates instanceof Api.UpdateShort
        ? [updates.update]
        : [];
  for (const update of list) {
    if (!(update instanceof Api.UpdateGroupCall)) continue;
    if (update.call instanceof Api.GroupCall) return update.call;
    if (update.call instanceof Api.GroupCallDiscarded) {
      throw new CallJobError(
        "GROUPCALL_ALREADY_DISCARDED",
        "Telegram returned the call as already ended",
        "permanent",
      );
    }
  }
  throw new CallJobError(
    "NO_CALL_IN_UPDATES",
    `createGroupCall answered ${updates.className} without an updateGroupCall`,
    "permanent",
  );
}
