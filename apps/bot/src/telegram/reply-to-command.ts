import type { Context } from "grammy";

type ReplyOptions = Parameters<Context["reply"]>[1];

/**
 * Answers a command as a reply to it, so that in a busy group it is clear whose command is
 * answered; if the command was deleted meanwhile the answer is still sent, unquoted.
 */
export function replyToCommand(ctx: Context, text: string, options: ReplyOptions = {}) {
  const messageId = ctx.msg?.message_id;
  return ctx.reply(text, {
    ...options,
    ...(messageId !== undefined && {
      reply_parameters: { message_id: messageId, allow_sending_without_reply: true },
    }),
  });
}
