import type { CreateCallRequest } from "@callbot/shared";
import { demoCreateCallRequest } from "@callbot/test-support";

let messageCounter = 900_000;

/**
 * A create-call request as the bot would queue it, for tests that model a job the bot queued
 * earlier (a delayed retry, a request made before the rights changed). Its ack message does
 * not exist, so the bot reports by a new reply, as it does when an ack was deleted. Olga (the
 * owner of every demo chat) asks.
 */
export function callRequest(
  target: { chatId: number; title: string; username?: string },
  overrides: Partial<CreateCallRequest> = {},
): CreateCallRequest {
  return demoCreateCallRequest(++messageCounter, { target, ...overrides });
}
