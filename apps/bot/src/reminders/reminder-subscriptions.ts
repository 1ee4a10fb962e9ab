import type { Redis } from "ioredis";

/** As long as an announcement is followed: Telegram's 8-day window plus a day of being live. */
const SUBSCRIPTION_TTL_SECONDS = 10 * 24 * 3600;

/**
 * Who pressed 🔔 Remind me on a call's announcement: one Redis set per call (registry entry),
 *   <prefix>:bot:reminders:subscribers:<entryId>  { userId, … }
 * expiring with the announcement, so the sets stay bounded however many calls come and go.
 */
export interface ReminderSubscriptions {
  add(entryId: string, userId: number): Promise<void>;
  remove(entryId: string, userId: number): Promise<void>;
  has(entryId: string, userId: number): Promise<boolean>;
  all(entryId: string): Promise<number[]>;
  /** Many at once (tests and the bench subscribe a thousand people). */
  addMany(entryId: string, userIds: readonly number[]): Promise<void>;
}

export function reminderSubscriptions(redis: Redis, prefix: string): ReminderSubscriptions {
  const key = (entryId: string) => `${prefix}:bot:reminders:subscribers:${entryId}`;
  const addMany = async (entryId: string, userIds: readonly number[]) => {
    if (userIds.length === 0) return;
    await redis
      .multi()
      .sadd(key(entryId), ...userIds.map(String))
      .expire(key(entryId), SUBSCRIPTION_TTL_SECONDS)
      .exec();
  };
  return {
    add: (entryId, userId) => addMany(entryId, [userId]),
    addMany,
    async remove(entryId, userId) {
      await redis.srem(key(entryId), String(userId));
    },
    async has(entryId, userId) {
      return (await redis.sismember(key(entryId), String(userId))) === 1;
    },
    async all(entryId) {
      return (await redis.smembers(key(entryId))).map(Number);
    },
  };
}
