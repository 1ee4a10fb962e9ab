import type { Redis } from "ioredis";
import type { Clock } from "../clock.ts";

/** A zone is kept a year after it was last used; an active user never loses it. */
const ZONE_TTL_SECONDS = 365 * 24 * 60 * 60;
/** Memory cache: a zone set in one process is seen by another (a second instance) within this. */
const MEMORY_TTL_MS = 30_000;
/** Bounds the memory cache; the oldest entries go first. */
const MEMORY_MAX_ENTRIES = 10_000;

export interface UserTimeZones {
  /** The user's zone from memory, or the default: synchronous, for parsers and renderers. */
  zoneFor(userId: number): string;
  /** Loads the user's zone into memory (a Redis read at most every 30 s per user). */
  preload(userId: number): Promise<string>;
  /** Stores a zone that `validateTimeZone` accepted. */
  set(userId: number, timeZone: string): Promise<void>;
  /** Whether the user chose a zone (false: the default applies). */
  hasOwn(userId: number): Promise<boolean>;
}

/**
 * Each user's IANA time zone in Redis (`<prefix>:bot:tz:<userId>`), with a short in-memory
 * cache so that reading times on every command costs no Redis round trip. The default comes
 * from config (DEFAULT_TIME_ZONE).
 */
export function createUserTimeZones(deps: {
  redis: Redis;
  prefix: string;
  defaultTimeZone: string;
  clock: Clock;
}): UserTimeZones {
  const memory = new Map<number, { zone: string | undefined; until: number }>();
  const key = (userId: number) => `${deps.prefix}:bot:tz:${userId}`;
  const remember = (userId: number, zone: string | undefined) => {
    memory.delete(userId);
    if (memory.size >= MEMORY_MAX_ENTRIES) {
      const oldest = memory.keys().next();
      if (!oldest.done) memory.delete(oldest.value);
    }
    memory.set(userId, { zone, until: deps.clock.now() + MEMORY_TTL_MS });
  };
  return {
    zoneFor(userId) {
      return memory.get(userId)?.zone ?? deps.defaultTimeZone;
    },
    async preload(userId) {
      const cached = memory.get(userId);
      if (cached && cached.until > deps.clock.now()) return cached.zone ?? deps.defaultTimeZone;
      // GETEX refreshes the TTL on use, in the same round trip as the read.
      const stored = await deps.redis.getex(key(userId), "EX", ZONE_TTL_SECONDS);
      const zone = stored !== null && validateTimeZone(stored) !== undefined ? stored : undefined;
      remember(userId, zone);
      return zone ?? deps.defaultTimeZone;
    },
    async set(userId, timeZone) {
      await deps.redis.set(key(userId), timeZone, "EX", ZONE_TTL_SECONDS);
      remember(userId, timeZone);
    },
    async hasOwn(userId) {
      return (await deps.redis.exists(key(userId))) === 1;
    },
  };
}

/**
 * The canonical IANA name of a zone the runtime knows ("europe/berlin" -> "Europe/Berlin"), or
 * undefined. Intl is the judge, so any zone it can format times in is accepted; fixed offsets
 * ("+02:00") are not, because they ignore daylight saving and mislead twice a year.
 */
export function validateTimeZone(input: string): string | undefined {
  const given = input.trim();
  if (given.length === 0 || given.length > 64 || !/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(given)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: given }).resolvedOptions().timeZone;
    if (/^(?:Etc\/)?(?:GMT|UTC)[+-]/i.test(resolved)) return undefined;
    // ICU may answer with an older alias (Asia/Kolkata -> Asia/Calcutta): keep the user's own
    // spelling then, and ICU's only when it merely fixes the letter case.
    return resolved.toLowerCase() === given.toLowerCase() ? resolved : given;
  } catch {
    return undefined;
  }
}
