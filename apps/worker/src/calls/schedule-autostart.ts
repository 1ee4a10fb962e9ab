import {
  addCallsJob,
  autostartJobId,
  CALL_JOB_NAMES,
  type CallActionRequest,
  type CallsQueue,
  type CreateCallRequest,
  type CreatedCall,
} from "@callbot/shared";

/**
 * Plans the start of a scheduled call at its time: a delayed call-action job on the calls queue.
 * Being a BullMQ delayed job it lives in Redis, so it survives restarts of the bot and the worker.
 * Its id is one per call (autostartJobId), so a retried create-call adds it once, and the bot can
 * remove it when the call is cancelled. It starts the call only if it is still scheduled
 * (onlyIfScheduled): started or discarded by hand meanwhile, it reports "skipped" and does nothing.
 *
 * The request has no `ack`: no message is waiting for it, so the bot posts its report as a new
 * message in requester.chatId, which is set to the target chat, where the call starts.
 */
export async function scheduleAutostart(
  callsQueue: CallsQueue,
  request: CreateCallRequest,
  call: CreatedCall,
  nowMs: number,
): Promise<void> {
  if (call.scheduleDate === undefined) return;
  const jobId = autostartJobId(call.id);
  const action: CallActionRequest = {
    v: 1,
    kind: "call-action",
    requestId: jobId,
    action: "start",
    // The requester stays the user who scheduled the call; origin is what marks it automatic.
    origin: "autostart",
    requester: { userId: request.requester.userId, chatId: request.target.chatId },
    target: request.target,
    call: { id: call.id, accessHash: call.accessHash },
    onlyIfScheduled: true,
    timeZone: request.timeZone,
    requestedAt: nowMs,
  };
  // Its job id is its requestId (autostartJobId), as for every call-action job.
  await addCallsJob(callsQueue, CALL_JOB_NAMES.callAction, action, {
    delay: Math.max(0, call.scheduleDate * 1000 - nowMs),
  });
}
