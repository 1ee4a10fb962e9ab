import type { Redis } from "ioredis";

/** Minutes before a call that its subscribers are reminded, unless the chat sets another. */
export const DEFAULT_REMIND_MINUTES = 10;
/** The longest lead or emptiness a chat may set: a day. */
export const MAX_SETTING_MINUTES = 24 * 60;

/**
 * What a chat chose for announcements, reminders and ending empty calls. One Redis hash per chat
 * that set something, no TTL: settings, at most one per chat the bot serves (like /autostart's).
 *   <prefix>:bot:chat-settings:<chatId>  announce "on" | remindMinutes "10" | endWhenEmptyMinutes "5"
 */
export interface ChatCallSettings {
  /** Post and pin an announcement when a call is scheduled in Telegram (/announce on). */
  announce: boolean;
  /** Subscribers are reminded this many minutes before (/announce remind N). */
  remindMinutes: number;
  /** A live call empty this long is ended (/endwhenempty N); undefined: never. */
  endWhenEmptyMinutes: number | undefined;
}

export interface ChatCallSettingsStore {
  get(chatId: number): Promise<ChatCallSettings>;
  set(chatId: number, change: Partial<ChatCallSettings>): Promise<ChatCallSettings>;
}

export function chatCallSettingsStore(redis: Redis, prefix: string): ChatCallSettingsStore {
  const key = (chatId: number) => `${prefix}:bot:chat-settings:${chatId}`;
  const read = (fields: Record<string, string>): ChatCallSettings => {
    const remind = Number(fields.remindMinutes);
    const empty = Number(fields.endWhenEmptyMinutes);
    return {
      announce: fields.announce === "on",
      remindMinutes: Number.isInteger(remind) && remind > 0 ? remind : DEFAULT_REMIND_MINUTES,
      endWhenEmptyMinutes: Number.isInteger(empty) && empty > 0 ? empty : undefined,
    };
  };
  return {
    async get(chatId) {
      return read(await redis.hgetall(key(chatId)));
    },
    async set(chatId, change) {
      const multi = redis.multi();
      if (change.announce !== undefined) multi.hset(key(chatId), "announce", change.announce ? "on" : "off");
      if (change.remindMinutes !== undefined)
        multi.hset(key(chatId), "remindMinutes", String(change.remindMinutes));
      if ("endWhenEmptyMinutes" in change) {
        if (change.endWhenEmptyMinutes === undefined) multi.hdel(key(chatId), "endWhenEmptyMinutes");
        else multi.hset(key(chatId), "endWhenEmptyMinutes", String(change.endWhenEmptyMinutes));
      }
      multi.hgetall(key(chatId));
      const results = await multi.exec();
      const fields = results?.at(-1)?.[1] as Record<string, string> | undefined;
      return read(fields ?? {});
    },
  };
}

/** "10" → 10 when it is a whole number of minutes from 1 to a day; undefined otherwise. */
export function parseMinutes(word: string): number | undefined {
  if (!/^\d{1,4}$/.test(word)) return undefined;
  const minutes = Number(word);
  return minutes >= 1 && minutes <= MAX_SETTING_MINUTES ? minutes : undefined;
}
