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
