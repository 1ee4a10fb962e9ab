import { formatWait } from "@callbot/shared";
import { type Context, GrammyError } from "grammy";
import { replyToCommand } from "./reply-to-command.ts";

/** Telegram's retry_after when the error is a 429 too long to wait out inside the call. */
export function rateLimitWait(error: unknown): number | undefined {
  return error instanceof GrammyError && error.error_code === 429
    ? (error.parameters.retry_after ?? 1)
    : undefined;
}

/**
 * A command or press that failed because Telegram asked the bot to wait longer than a call may
 * sleep (a 429 on getChatMember in a busy group, retry_after of a minute or more): the user is
 * told how long, on the button for a press, as a reply otherwise, rather than hearing nothing.
 */
export async function tellRateLimited(ctx: Context, waitSeconds: number): Promise<void> {
  const text = `⏳ Telegram asked me to slow down for ${formatWait(waitSeconds)}. Nothing was done; please try again after that.`;
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text, show_alert: true }).catch(() => undefined);
  else {
    await replyToCommand(ctx, text).catch(() => undefined);
  }
}
