import { type UserbotIdentity, UserbotIdentitySchema, userbotIdentityKey } from "@callbot/shared";
import type { Redis } from "ioredis";
import { Api } from "telegram";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";

/**
 * Asks Telegram once who the session belongs to (users.getUsers([self]); it also proves the
 * session works before any job is taken) and stores it under userbotIdentityKey(prefix), so
 * the bot can name the assistant account in /help and in errors without asking Telegram.
 */
export async function publishUserbotIdentity(
  invoke: InvokeTelegram,
  redis: Redis,
  prefix: string,
  now: () => number,
  onSelf?: (me: Api.User) => void,
): Promise<UserbotIdentity> {
  const [me] = await invoke(new Api.users.GetUsers({ id: [new Api.InputUserSelf()] }));
  if (!(me instanceof Api.User)) throw new Error("Telegram did not return the assistant account's own user");
  onSelf?.(me);
  const identity = UserbotIdentitySchema.parse({
    userId: me.id.toJSNumber(),
    ...(me.username ? { username: me.username } : {}),
    firstName: me.firstName ?? "",
    since: now(),
  });
  await redis.set(userbotIdentityKey(prefix), JSON.stringify(identity));
  return identity;
}
