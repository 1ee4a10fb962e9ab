import { addCallsJob, CALL_JOB_NAMES, type CallActionRequest, type CallsQueue } from "@callbot/shared";
import type { Redis } from "ioredis";
import { isAssistantOffline } from "../assistant/assistant-offline.ts";

export type AddActionOutcome = "queued" | "in-progress" | "assistant-offline";

const UNFINISHED = new Set(["waiting", "prioritized", "delayed", "active", "waiting-children"]);

/**
 * Adds a call-action job whose job id is its idempotency key (`act_<action>_<entry>`): two
 * presses of the same button give one job, because BullMQ ignores an add whose id exists. A
 * finished job with that id (an earlier press that failed, say) is removed first so that the
 * user can try again; an unfinished one means the first press is still being handled. Nothing
 * is added while the assistant's session is dead: it would wait unanswered until someone logs
 * the account in again (checklist 28).
 */
export async function addCallAction(
  queue: CallsQueue,
  request: CallActionRequest,
  redis: Redis,
): Promise<AddActionOutcome> {
  // The queue's prefix is the deployment's, where the worker publishes its state ("bull" is
  // BullMQ's own for a queue made without one).
  if (await isAssistantOffline(redis, queue.opts.prefix ?? "bull")) return "assistant-offline";
  const existing = await queue.getJob(request.requestId);
  if (existing) {
    if (UNFINISHED.has(await existing.getState())) return "in-progress";
    await existing.remove().catch(() => undefined);
  }
  await addCallsJob(queue, CALL_JOB_NAMES.callAction, request);
  return "queued";
}

/** A BullMQ-safe job id (no ':'; never a bare integer) from parts such as an action and an entry id. */
export function actionJobId(...parts: Array<string | number>): string {
  return ["act", ...parts.map((part) => String(part).replace(/[^A-Za-z0-9_-]/g, "-"))].join("_");
}
