import type { CreateCallRequest } from "@callbot/shared";
import { DEMO, DEMO_CHATS } from "./demo-world.ts";

/**
 * A valid create-call request as the bot queues it for a /newcall of Olga's (message
 * `messageId` in the target chat, the bot's "queued" answer the next message), with `overrides`.
 * One builder, so that a change to the contract is made in one place for every suite.
 */
export function demoCreateCallRequest(
  messageId: number,
  overrides: Partial<CreateCallRequest> = {},
): CreateCallRequest {
  const target = overrides.target ?? DEMO_CHATS.community;
  return {
    v: 1,
    kind: "create-call",
    requestId: `newcall_${target.chatId}_${messageId}`,
    requester: { userId: DEMO.olga, chatId: target.chatId, messageId },
    ack: { chatId: target.chatId, messageId: messageId + 1 },
    target,
    rtmp: false,
    timeZone: "Europe/Berlin",
    requestedAt: Date.now(),
    ...overrides,
  };
}
