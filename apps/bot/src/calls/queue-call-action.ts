import { addCallsJob, CALL_JOB_NAMES, type CallActionRequest, type CallsQueue } from "@callbot/shared";
import type { Redis } from "ioredis";
import { type ActionAssistantCheck, checkAssistantForAction } from "../assistant/assistant-for-action.ts";
import type { AssistantForChatDeps } from "../assistant/assistant-for-chat.ts";
import { isAssistantOffline } from "../assistant/assistant-offline.ts";

export type AddActionOutcome =
  | "queued"
  | "in-progress"
  | "assistant-offline"
  /** Several accounts, and none online may act in the chat: what the requester reads. */
  | Extract<ActionAssistantCheck, { ok: false }>;

/** Owner-only actions: the stream key is the chat's, and only its owner may read or replace it. */
const OWNER_ONLY_ACTIONS = new Set(["rtmp-credentials", "rotate-rtmp-key"]);

const UNFINISHED = new Set(["waiting", "prioritized", "delayed", "active", "waiting-children"]);

/**
 * Adds a call-action job whose job id is its idempotency key (`act_<action>_<entry>`): two
 * presses of the same button give one job, because BullMQ ignores an add whose id exists. A
 * finished job with that id (an earlier press that failed, say) is removed first so that the
 * user can try again; an unfinished one means the first press is still being handled. Nothing
 * is added while the assistant's session is dead: it would wait unanswered until someone logs
 * the account in again (checklist 28). With several accounts, nothing is added either when only
 * offline accounts may act in the chat (checkAssistantForAction), given `accounts` to ask
 * Telegram with.
 */
export async function addCallAction(
  queue: CallsQueue,
  request: CallActionRequest,
  redis: Redis,
  accounts?: Pick<AssistantForChatDeps, "api" | "logger" | "now">,
): Promise<AddActionOutcome> {
  // The queue's prefix is the deployment's, where the worker publishes its state ("bull" is
  // BullMQ's own for a queue made without one).
  const prefix = queue.opts.prefix ?? "bull";
  if (await isAssistantOffline(redis, prefix)) return "assistant-offline";
  if (accounts) {
    const check = await checkAssistantForAction(
      { ...accounts, redis, prefix },
      {
        chatId: request.target.chatId,
        chatTitle: request.target.title,
        ownerOnly: OWNER_ONLY_ACTIONS.has(request.action),
      },
    );
    if (!check.ok) return check;
  }
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

/** The outcome's name, for the log (a refusal's text is the requester's). */
export function addedName(added: AddActionOutcome): string {
  return typeof added === "string" ? added : "no-assistant";
}
