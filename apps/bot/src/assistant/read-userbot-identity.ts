import { type UserbotIdentity, UserbotIdentitySchema, userbotIdentityKey } from "@callbot/shared";
import type { Redis } from "ioredis";

/**
 * The assistant account the worker is logged in as, as the worker published it in Redis.
 * Undefined when no worker has started yet or Redis cannot be read: callers fall back to a
 * generic name rather than failing a /help.
 */
export async function readUserbotIdentity(
  redis: Redis,
  prefix: string,
): Promise<UserbotIdentity | undefined> {
  try {
    const raw = await redis.get(userbotIdentityKey(prefix));
    if (raw === null) return undefined;
    const parsed = UserbotIdentitySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** "@callbot_assistant", or the account's name, or a description when nothing is known. */
export function assistantName(identity: UserbotIdentity | undefined): string {
  if (identity?.username) return `@${identity.username}`;
  if (identity?.firstName) return `${identity.firstName} (the assistant account)`;
  return "the assistant account";
}
