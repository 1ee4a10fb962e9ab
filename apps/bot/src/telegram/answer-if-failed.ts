import type { Context } from "grammy";
import { rateLimitWait } from "./tell-rate-limited.ts";

/**
 * Wraps a button's handler so that a failure still answers the press: a button must not spin
 * for ever. The error goes on to the error boundary, which logs the cause (and answers a 429
 * itself, so that one is not answered here).
 */
export function answerIfFailed(handle: (ctx: Context) => Promise<void>) {
  return async (ctx: Context) => {
    try {
      await handle(ctx);
    } catch (error) {
      if (rateLimitWait(error) !== undefined) throw error;
      await ctx
        .answerCallbackQuery({
          text: "Sorry, something went wrong on my side. Nothing was changed; try again in a minute.",
          show_alert: true,
        })
        .catch(() => undefined);
      throw error;
    }
  };
}
