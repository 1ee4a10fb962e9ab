import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import { type Context, InlineKeyboard } from "grammy";
import { PICKER_REQUEST_IDS } from "../chat-picker-keyboard.ts";
import type { GuidedFlowWatchdog } from "../guided-flow-watchdog.ts";

export type GuidedConversation = Conversation<ConversationFlavor<Context>, Context>;

export const CANCEL = "guided:cancel";
export const TYPE_CHAT =
  "Send the chat's @username, its t.me link or its -100… id. I must be a member of it, and you its owner or an admin with the “Manage video chats” right.";

/** An answer, and the question message it answers. */
export type Answer = (
  | { kind: "button"; data: string }
  | { kind: "text"; text: string }
  /** A chat picked with Telegram's chat picker (chat_shared). */
  | { kind: "shared"; chatId: number }
) & {
  promptMessageId: number;
};
export interface Button {
  text: string;
  data: string;
}

/**
 * Sends one question with its buttons (and Cancel), starts the time-out, and waits for an answer
 * from this flow: a button of THIS question or a typed text. Other bots' features keep working
 * meanwhile: their commands and buttons are passed on untouched (skip with next).
 */
export async function askQuestion(
  conversation: GuidedConversation,
  ctx: Context,
  deps: { watchdog: GuidedFlowWatchdog },
  chatId: number,
  text: string,
  buttons: Button[][],
  { echo, acceptShared }: { echo: boolean; acceptShared: boolean },
): Promise<Answer> {
  const keyboard = new InlineKeyboard();
  for (const row of buttons) {
    for (const button of row) keyboard.text(button.text, button.data);
    keyboard.row();
  }
  keyboard.text("Cancel", CANCEL);
  const prompt = await ctx.reply(text, { reply_markup: keyboard });
  await conversation.external((outer) => deps.watchdog.arm(outer.api, chatId, prompt.message_id));

  for (;;) {
    const next = await conversation.wait();
    const query = next.callbackQuery;
    if (query?.data !== undefined) {
      if (!query.data.startsWith("guided:")) await conversation.skip({ next: true });
      if (query.message?.message_id !== prompt.message_id) {
        await next.answerCallbackQuery({ text: "That button belongs to an earlier question." });
        continue;
      }
      await next.answerCallbackQuery();
      if (query.data === CANCEL) await cancel(conversation, ctx, deps, chatId, prompt.message_id, text);
      if (echo) {
        const label = buttons.flat().find((b) => b.data === query.data)?.text ?? "";
        await ctx.api.editMessageText(chatId, prompt.message_id, `${text}\n→ ${label}`);
      }
      return { kind: "button", data: query.data, promptMessageId: prompt.message_id };
    }
    const typed = next.message?.text;
    if (typed !== undefined) {
      if (/^\/cancel(?:@\w+)?(?:\s|$)/i.test(typed)) {
        await cancel(conversation, ctx, deps, chatId, prompt.message_id, text);
      }
      // Other commands (/help, /calls, a full /newcall …) belong to the other features.
      if (typed.startsWith("/")) await conversation.skip({ next: true });
      await ctx.api.editMessageReplyMarkup(chatId, prompt.message_id);
      return { kind: "text", text: typed, promptMessageId: prompt.message_id };
    }
    const shared = next.message?.chat_shared;
    if (shared !== undefined && acceptShared && PICKER_REQUEST_IDS.includes(shared.request_id)) {
      await ctx.api.editMessageReplyMarkup(chatId, prompt.message_id);
      return { kind: "shared", chatId: shared.chat_id, promptMessageId: prompt.message_id };
    }
    if (next.message) {
      await next.reply("Please answer with a message or one of the buttons, or send /cancel.");
      continue;
    }
    await conversation.skip({ next: true });
  }
}

async function cancel(
  conversation: GuidedConversation,
  ctx: Context,
  deps: { watchdog: GuidedFlowWatchdog },
  chatId: number,
  promptMessageId: number,
  promptText: string,
): Promise<never> {
  await conversation.external(() => deps.watchdog.disarm(chatId));
  await ctx.api.editMessageText(chatId, promptMessageId, `${promptText}\n→ Cancelled`);
  await ctx.reply("Cancelled. Nothing was created. Send /newcall to start again.", {
    reply_markup: { remove_keyboard: true },
  });
  return conversation.halt();
}
