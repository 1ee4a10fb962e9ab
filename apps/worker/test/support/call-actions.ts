import { type GroupCallState, nativeChatRef, type WorldGroupCall } from "@callbot/sandbox";
import {
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CallActionRequest,
  type CallActionResult,
  type TargetChat,
} from "@callbot/shared";
import { DEMO, waitFor } from "@callbot/test-support";
import type { JobsOptions } from "bullmq";
import type { WorkerHarness } from "./worker-harness.ts";

let counter = 0;

/** A call-action request as the bot would queue it for a /calls button. */
export function actionRequest(
  target: TargetChat,
  action: CallActionRequest["action"],
  overrides: Partial<CallActionRequest> = {},
): CallActionRequest {
  counter += 1;
  return {
    v: 1,
    kind: "call-action",
    requestId: `action_${action}_${Date.now()}_${counter}`,
    action,
    requester: { userId: DEMO.olga, chatId: target.chatId },
    ack: { chatId: target.chatId, messageId: 500 + counter },
    target,
    timeZone: "Europe/Berlin",
    requestedAt: Date.now(),
    ...overrides,
  };
}

export async function addAction(h: WorkerHarness, request: CallActionRequest, options: JobsOptions = {}) {
  await h.calls.add(CALL_JOB_NAMES.callAction, request, {
    ...CALL_JOB_DEFAULTS,
    jobId: request.requestId,
    ...options,
  });
}

export async function actionResults(h: WorkerHarness, requestId: string): Promise<CallActionResult[]> {
  return (await h.resultMessages()).flatMap(({ message }) =>
    message.kind === "call-action" && message.request.requestId === requestId ? [message] : [],
  );
}

/** The final (not "delayed") result of a call action. */
export async function finalActionResult(
  h: WorkerHarness,
  requestId: string,
  timeoutMs = 10_000,
): Promise<CallActionResult> {
  return waitFor(
    async () => (await actionResults(h, requestId)).find((r) => r.outcome.status !== "delayed"),
    `the final result of ${requestId}`,
    timeoutMs,
  );
}

/** The MTProto id of a chat the worker knows by its Bot API id (-100N -> N, -N -> N). */
export function nativeId(botApiChatId: number): number {
  const ref = nativeChatRef(botApiChatId);
  if (!ref) throw new Error(`${botApiChatId} is a private chat, not a group or channel`);
  return ref.id;
}

/** A call made in the world directly, as if someone had made it in Telegram by hand. */
export function callMadeByHand(
  h: WorkerHarness,
  target: TargetChat,
  options: { scheduleInSeconds?: number; title?: string } = {},
): WorldGroupCall {
  return h.sandbox.world.createGroupCall(DEMO.assistant, nativeId(target.chatId), {
    randomId: 1 + Math.floor(Math.random() * 1_000_000),
    rtmp: false,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.scheduleInSeconds !== undefined
      ? { scheduleDate: Math.floor(Date.now() / 1000) + options.scheduleInSeconds }
      : {}),
  });
}

/** Resolves when the world's call reaches `state`: on the world's own "groupCall" event, not by polling. */
export function callReaches(
  h: WorkerHarness,
  callId: string,
  state: GroupCallState,
  timeoutMs: number,
): Promise<WorldGroupCall> {
  const world = h.sandbox.world;
  const now = world.getGroupCall(callId);
  if (now?.state === state) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      world.off("groupCall", listener);
      reject(new Error(`call ${callId} did not become ${state} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (call: WorldGroupCall) => {
      if (call.id !== callId || call.state !== state) return;
      clearTimeout(timer);
      world.off("groupCall", listener);
      resolve(call);
    };
    world.on("groupCall", listener);
  });
}
