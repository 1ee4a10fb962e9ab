import type { Redis } from "ioredis";

/** Long enough for any pause of a result's delivery; the key then goes by itself. */
const SENT_MARK_SECONDS = 24 * 60 * 60;

/**
 * Runs a send at most once per key: a result put aside after its first message went out (the
 * private message sent, then the Bot API became unreachable before the edit) does not send that
 * message again when it is tried anew.
 */
export async function sendOnce(redis: Redis, key: string, send: () => Promise<void>): Promise<void> {
  if ((await redis.exists(key)) === 1) return;
  await send();
  await redis.set(key, "1", "EX", SENT_MARK_SECONDS);
}
