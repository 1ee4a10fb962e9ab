import type { Context, NextFunction } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { isRedisUnavailable } from "../redis/is-redis-unavailable.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import { countHit } from "./count-hit.ts";

export interface ThrottleUpdatesOptions {
  redis: Redis;
  /** One counter per user: `<keyPrefix><userId>`, living one window. */
  keyPrefix: string;
  /** Commands, presses and private messages a user may send per window. */
  limit: number;
  windowMs: number;
  logger: Logger;
}

export const SLOW_DOWN_TEXT =
  "You are sending me commands faster than I can take them. Please wait a minute, then try again.";
export const SLOW_DOWN_TOAST = "Too many presses. Please wait a minute, then try again.";

/**
 * One per-user throttle in front of every command, button press and private-chat message (the
 * guided /newcall's answers), so that none of them is free to flood: each costs Telegram
 * requests and Redis work. A flood writes one counter per user, with a TTL of one window.
 *
 * Over the limit, a press is answered with a toast (never a message in the chat), and a message
 * gets one "slow down" per window; the rest are dropped unanswered. Group chatter (other than
 * replies to the bot) and service messages are not counted. When Redis is unreachable the throttle lets updates through: the
 * features then answer that nothing could be done, which a dropped update would not.
 */
export function throttleUpdates(options: ThrottleUpdatesOptions) {
  return async (ctx: Context, next: NextFunction): Promise<void> => {
    const userId = throttledUserOf(ctx);
    if (userId === undefined) return next();
    let hits: number;
    try {
      hits = await countHit(options.redis, `${options.keyPrefix}${userId}`, options.windowMs);
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      options.logger.warn({ err: error }, "throttle skipped: Redis is unavailable");
      return next();
    }
    if (hits <= options.limit) return next();
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: SLOW_DOWN_TOAST }).catch(() => undefined);
      return;
    }
    if (hits === options.limit + 1) {
      options.logger.info({ userId, limit: options.limit }, "user throttled");
      await replyToCommand(ctx, SLOW_DOWN_TEXT).catch(() => undefined);
    }
  };
}

/** The user an update counts against, or undefined when it is not throttled. */
function throttledUserOf(ctx: Context): number | undefined {
  if (ctx.callbackQuery) return ctx.callbackQuery.from.id;
  const message = ctx.message;
  if (!message?.from) return undefined;
  if (message.chat.type === "private") return message.from.id;
  // A reply to the bot (an answer to a /calls button's question) is meant for it, as a command is.
  if (message.reply_to_message?.from?.id === ctx.me.id) return message.from.id;
  const entities = message.entities ?? message.caption_entities ?? [];
  const isCommand = entities.some((entity) => entity.type === "bot_command" && entity.offset === 0);
  return isCommand ? message.from.id : undefined;
}
