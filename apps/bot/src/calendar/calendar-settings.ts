import { MAX_SCHEDULE_AHEAD_SECONDS } from "@callbot/shared";
import type { Redis } from "ioredis";
import { TELEGRAM_WINDOW_MARGIN_SECONDS } from "./planned-call.ts";

/**
 * A chat's calendar settings (`/calendar lead 2d`, `/calendar notice 10m`, `/calendar length 90m`):
 * - lead: how long before its start a planned call is created in Telegram. Default: as early as
 *   Telegram allows (8 days), less 5 minutes so that a job that waited a little is still inside.
 * - notice: how long before a set end the chat is told the call is about to end. Default 5 min.
 * - length: how long a call without a set end is taken to last when two calls are checked for
 *   overlap. Default 1 h.
 * One Redis hash per chat that changed one, no TTL: <prefix>:bot:calendar:settings:<chatId>.
 */
export interface CalendarSettings {
  leadSeconds: number;
  endNoticeSeconds: number;
  defaultLengthSeconds: number;
}

export const DEFAULT_CALENDAR_SETTINGS: CalendarSettings = {
  leadSeconds: MAX_SCHEDULE_AHEAD_SECONDS - TELEGRAM_WINDOW_MARGIN_SECONDS,
  endNoticeSeconds: 5 * 60,
  defaultLengthSeconds: 60 * 60,
};

/** What each setting may be: a lead inside Telegram's window, a notice and a length that make sense. */
export const CALENDAR_SETTING_RANGES: Record<keyof CalendarSettings, { min: number; max: number }> = {
  leadSeconds: { min: 60, max: DEFAULT_CALENDAR_SETTINGS.leadSeconds },
  endNoticeSeconds: { min: 0, max: 60 * 60 },
  defaultLengthSeconds: { min: 5 * 60, max: 24 * 3600 },
};

export interface CalendarSettingsStore {
  get(chatId: number): Promise<CalendarSettings>;
  set(chatId: number, change: Partial<CalendarSettings>): Promise<CalendarSettings>;
}

export function calendarSettingsStore(redis: Redis, prefix: string): CalendarSettingsStore {
  const key = (chatId: number) => `${prefix}:bot:calendar:settings:${chatId}`;
  const read = (raw: string | undefined, name: keyof CalendarSettings) => {
    const value = raw === undefined ? Number.NaN : Number(raw);
    const range = CALENDAR_SETTING_RANGES[name];
    return Number.isInteger(value) && value >= range.min && value <= range.max
      ? value
      : DEFAULT_CALENDAR_SETTINGS[name];
  };
  const get = async (chatId: number): Promise<CalendarSettings> => {
    const stored = await redis.hgetall(key(chatId));
    return {
      leadSeconds: read(stored.leadSeconds, "leadSeconds"),
      endNoticeSeconds: read(stored.endNoticeSeconds, "endNoticeSeconds"),
      defaultLengthSeconds: read(stored.defaultLengthSeconds, "defaultLengthSeconds"),
    };
  };
  return {
    get,
    async set(chatId, change) {
      const fields = Object.entries(change).flatMap(([name, value]) =>
        value === undefined ? [] : [name, String(value)],
      );
      if (fields.length > 0) await redis.hset(key(chatId), ...fields);
      return get(chatId);
    },
  };
}
