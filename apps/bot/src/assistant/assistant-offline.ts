import { readWorkerStatus } from "@callbot/shared";
import type { Redis } from "ioredis";

/**
 * True when the worker published that the assistant account's session is dead: nothing queued
 * now would run until an operator logs the account in again, so the bot says so at once instead
 * of answering "queued". Any other state, or none (a worker restarting, Redis unreadable), is not
 * offline: the request is queued and runs when a worker takes it.
 */
export async function isAssistantOffline(redis: Redis, prefix: string): Promise<boolean> {
  return (await readWorkerStatus(redis, prefix))?.state === "session-dead";
}

/** What a user reads when they ask for something the assistant cannot do while it is offline. */
export const ASSISTANT_OFFLINE_TEXT =
  "⚠️ The assistant account is offline: its Telegram session has ended, so I cannot create or change calls right now. The operators have been told and must log it in again. Nothing was queued; please try again later.";

/** The same, short enough for a button's alert (Telegram allows 200 characters). */
export const ASSISTANT_OFFLINE_ALERT =
  "The assistant account is offline (its Telegram session ended), so nothing was queued. The operators have been told; try again later.";
