import { Composer, type Context } from "grammy";
import { DateTime } from "luxon";
import type { Logger } from "pino";
import { quoteTypedOr } from "../newcall/quote-typed.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import { type UserTimeZones, validateTimeZone } from "../timezone/user-time-zones.ts";

/**
 * Loads the sender's zone into memory before any feature reads it, so that parsers and renderers
 * can ask for it synchronously. A Redis failure here is not the user's problem: the default zone
 * is used, and the feature that needs Redis reports the outage itself.
 */
export function preloadTimeZone(timeZones: UserTimeZones, logger: Logger) {
  return async (ctx: Context, next: () => Promise<void>) => {
    const userId = ctx.from?.id;
    if (userId !== undefined) {
      await timeZones.preload(userId).catch((error: unknown) => {
        logger.warn({ err: error }, "could not read a user's time zone; using the default");
      });
    }
    await next();
  };
}

/** /timezone [zone]: shows or sets the zone the sender's times are read and shown in. */
export function createTimeZoneFeature(deps: {
  timeZones: UserTimeZones;
  defaultTimeZone: string;
  now: () => number;
}) {
  const feature = new Composer<Context>();
  feature.command("timezone", async (ctx) => {
    const from = ctx.from;
    if (!from || ctx.msg.sender_chat !== undefined) return;
    const reply = (text: string) => replyToCommand(ctx, text);
    const given = ctx.match.trim();
    if (given.length === 0) {
      const zone = await deps.timeZones.preload(from.id);
      const own = await deps.timeZones.hasOwn(from.id);
      await reply(
        [
          `Your time zone: ${describeZone(zone, deps.now())}${own ? "" : " (the default; you have not chosen one)"}.`,
          "I read the times you give in it and show times in it.",
          "To change it: /timezone Europe/Berlin (any IANA zone name, like America/New_York or Asia/Tokyo).",
        ].join("\n"),
      );
      return;
    }
    const zone = validateTimeZone(given);
    if (zone === undefined) {
      await reply(
        `I do not know the time zone ${quoteTypedOr(given, "you gave")}. Use an IANA zone name, like Europe/Berlin, America/New_York or Asia/Tokyo (see en.wikipedia.org/wiki/List_of_tz_database_time_zones). Fixed offsets like +02:00 ignore daylight saving time, so they are not accepted.`,
      );
      return;
    }
    await deps.timeZones.set(from.id, zone);
    await reply(
      `✅ Your time zone is now ${describeZone(zone, deps.now())}. I will read and show your times in it.`,
    );
  });
  return feature;
}

/** "Europe/Berlin (now 18:05, UTC+01:00)". */
function describeZone(zone: string, nowMs: number): string {
  const local = DateTime.fromMillis(nowMs, { zone });
  return `${zone} (now ${local.toFormat("HH:mm")}, UTC${local.toFormat("ZZ")})`;
}
