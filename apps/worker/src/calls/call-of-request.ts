import type { CreateCallRequest, ExistingCall } from "@callbot/shared";

/**
 * Whether the chat's call looks like the one this request asked for: same kind (livestream or
 * not), same title, and the same date while it is scheduled. Telegram's groupCall carries no
 * random_id or creator, so after a lost answer this, together with "our create was sent and the
 * chat was free before it", is how the worker recognises the call its own request made.
 */
export function isCallOfRequest(call: ExistingCall, request: CreateCallRequest): boolean {
  if (call.rtmp !== request.rtmp) return false;
  if (request.title !== undefined && call.title !== request.title) return false;
  if (request.title === undefined && call.title !== undefined && call.title !== request.target.title) {
    return false;
  }
  if (request.scheduleDate === undefined) return call.state === "active";
  // A scheduled call someone started meanwhile no longer shows its date.
  return call.state === "active" || call.scheduleDate === request.scheduleDate;
}
