import type { CreateCallRequest } from "@callbot/shared";
import { WHO } from "./faults-world.ts";

let messageCounter = 900_000;

/**
 * A create-call request as the bot would queue it, for tests that model a job the bot queued
 * earlier (a delayed retry, a request made before the rights changed). Its ack message does
 * not exist, so the bot reports by a new reply, as it does when an ack was deleted.
 */
export function callRequest(
  target: { chatId: number; title: string; username?: string },
  overrides: Partial<CreateCallRequest> = {},
): CreateCallRequest {
  const messageId = ++messageCounter;
  return {
    v: 1,
    kind: "create-call",
    requestId: `newcall_${target.chatId}_${messageId}`,
    requester: { userId: WHO.olga, chatId: target.chatId, messageId },
    ack: { chatId: target.chatId, messageId: messageId + 1 },
    target,
    rtmp: false,
    timeZone: "Europe/Berlin",
    requestedAt: Date.now(),
    ...overrides,
  };
}
