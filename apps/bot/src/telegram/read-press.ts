import type { Context } from "grammy";
import type { CallbackQuery } from "grammy/types";

/** A button press, its message and its decoded callback data. */
export interface Press<T> {
  query: CallbackQuery;
  message: NonNullable<CallbackQuery["message"]>;
  press: T;
  /** Answers the press with an alert the presser must dismiss (refusals, failures). */
  alert(text: string): Promise<true>;
}

/**
 * The opening every button handler shares: the press decoded with `decode`. A press that is not
 * one of ours (no message left, data from another version or forged) is answered without a word,
 * so the button stops spinning, and gives undefined.
 */
export async function readPress<T>(
  ctx: Context,
  decode: (data: string) => T | undefined,
): Promise<Press<T> | undefined> {
  const query = ctx.callbackQuery;
  const message = query?.message;
  const press = query?.data ? decode(query.data) : undefined;
  if (!query || !message || press === undefined) {
    await ctx.answerCallbackQuery();
    return undefined;
  }
  return { query, message, press, alert: (text) => ctx.answerCallbackQuery({ text, show_alert: true }) };
}
