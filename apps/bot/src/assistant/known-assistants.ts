import { type AssistantEntry, onlineAssistants, readAssistantRegistry } from "@callbot/shared";
import type { Redis } from "ioredis";
import { assistantName, readUserbotIdentity } from "./read-userbot-identity.ts";

/** An assistant account as set-up and /help name it. */
export interface KnownAssistant {
  userId: number;
  /** "@callbot_assistant", or its first name and id when it has no username. */
  name: string;
}

/** How messages name a registered account: its @username, else its first name and id. */
export function assistantEntryName(
  entry: Pick<AssistantEntry, "accountId" | "username" | "firstName">,
): string {
  return entry.username
    ? `@${entry.username}`
    : `${entry.firstName || "an assistant"} (id ${entry.accountId})`;
}

/**
 * The assistant accounts that create calls now: with several accounts online, each of them
 * (from their registrations, lowest id first); otherwise the one account the worker published
 * (none before any worker started). Read from Redis only: never a Telegram request. A registry
 * that cannot be read counts as one account, as before several accounts existed.
 */
export async function knownAssistants(redis: Redis, prefix: string): Promise<KnownAssistant[]> {
  const online = await readAssistantRegistry(redis, prefix).then(onlineAssistants, () => []);
  if (online.length >= 2)
    return online.map((entry) => ({ userId: entry.accountId, name: assistantEntryName(entry) }));
  const identity = await readUserbotIdentity(redis, prefix);
  return identity ? [{ userId: identity.userId, name: assistantName(identity) }] : [];
}
