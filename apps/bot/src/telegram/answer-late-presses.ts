import type { Context, MiddlewareFn } from "grammy";
import type { Logger } from "pino";
import { isPrivateChatClosed } from "./bot-api-errors.ts";

const QUERY_TOO_OLD = /query is too old|query ID is invalid/i;

/**
 * Telegram takes a button's answer for a few seconds only; a later one gets 400 "query is too
 * old and response timeout expired or query ID is invalid". A press whose handling took longer
 * (a slow Telegram, a rate-limit wait in a rights check) would then throw into the error
 * boundary, and the user who pressed would see the spinner stop and nothing else. For the
 * presses of this update, such a late answer becomes a message instead: privately to whoever
 * pressed, or, when they never started the bot, in the chat as a reply to the pressed message.
 * An answer without text (an acknowledgement) is simply dropped: there is nothing to tell.
 */
export function answerLatePressesAsMessages(logger: Logger): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const query = ctx.callbackQuery;
    if (!query) return next();
    ctx.api.config.use(async (prev, method, payload, signal) => {
      const result = await prev(method, payload, signal);
      if (method !== "answerCallbackQuery" || result.ok || !QUERY_TOO_OLD.test(result.description))
        return result;
      const text = (payload as { text?: string }).text;
      logger.info({ userId: query.from.id, told: text !== undefined }, "a button's answer came too late");
      if (text !== undefined) await tellInstead(ctx, query, text);
      return { ok: true, result: true } as unknown as typeof result;
    });
    await next();
  };
}

async function tellInstead(
  ctx: Context,
  query: NonNullable<Context["callbackQuery"]>,
  text: string,
): Promise<void> {
  try {
    await ctx.api.sendMessage(query.from.id, text);
    return;
  } catch (error) {
    const message = query.message;
    if (!isPrivateChatClosed(error) || !message || message.chat.id === query.from.id) throw error;
    await ctx.api.sendMessage(message.chat.id, text, {
      reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
    });
  }
}
