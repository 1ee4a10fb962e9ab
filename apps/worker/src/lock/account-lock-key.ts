import { createHash } from "node:crypto";
import { StringSession } from "telegram/sessions/index.js";

/**
 * The Redis key that says "a process is using this Telegram account". It is derived from the
 * session's auth key, which is known without connecting: a second process can therefore
 * refuse BEFORE it dials Telegram, so Telegram never sees the key twice
 * (AUTH_KEY_DUPLICATED kills both sessions). Only a short hash appears in the key, never the
 * key itself.
 */
export async function accountLockKey(prefix: string, sessionString: string): Promise<string> {
  const session = new StringSession(sessionString);
  await session.load();
  const authKey = session.authKey?.getKey();
  if (!authKey || authKey.length === 0) {
    throw new Error("The Telegram session holds no auth key: log in again and set TG_SESSION");
  }
  const digest = createHash("sha256").update(authKey).digest("hex").slice(0, 24);
  return `${prefix}:account-lock:${digest}`;
}
