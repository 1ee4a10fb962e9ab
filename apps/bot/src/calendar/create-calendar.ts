import type { CallsQueue } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import { autoEnds } from "./auto-ends.ts";
import { calendarSettingsStore } from "./calendar-settings.ts";
import { calendarStore } from "./calendar-store.ts";
import type { CalendarDeps } from "./place-call.ts";

/**
 * The calendar's parts, built once per bot process and shared by the commands and the results
 * consumer, so that listeners of `calendar.onChange` hear every change this process makes.
 */
export function createCalendar(deps: {
  redis: Redis;
  prefix: string;
  callsQueue: CallsQueue;
  clock: Clock;
  logger: Logger;
  /** BotLimits.plannedHopMs. */
  hopMs?: number;
}): CalendarDeps {
  const calendarSettings = calendarSettingsStore(deps.redis, deps.prefix);
  return {
    calendar: calendarStore(deps),
    calendarSettings,
    autoEnds: autoEnds({ ...deps, settings: calendarSettings }),
  };
}
