import { Composer, type Context } from "grammy";
import type { ChatMember } from "grammy/types";
import { resolveManagedChat } from "../calls/resolve-managed-chat.ts";
import { handleSetupPress } from "../setup/handle-setup-press.ts";
import { lookAtChat } from "../setup/look-at-chat.ts";
import { setupChatOf } from "../setup/setup-chat-of.ts";
import type { SetupDeps } from "../setup/setup-deps.ts";
import { answerIfFailed } from "../telegram/answer-if-failed.ts";
import { isPrivateChatClosed } from "../telegram/bot-api-errors.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

const SETUP_USAGE =
  "Name the chat to check: /setup @yourgroup (or its t.me link or -100… id). Or send /setup in the group itself.";

/**
 * /setup and the my_chat_member update: the set-up checklist of a chat (the bot's rights, the
 * assistant's membership and right) with buttons that fix what the bot can fix.
 */
export function createSetupFeature(deps: SetupDeps): Composer<Context> {
  const feature = new Composer<Context>();

  feature.command("setup", async (ctx) => {
    const reply = (text: string, extra: Parameters<Context["reply"]>[1] = {}) =>
      replyToCommand(ctx, text, { link_preview_options: { is_disabled: true }, ...extra });
    const managed = await resolveManagedChat(
      ctx,
      ctx.match,
      { ownerOnly: false, chatCacheSeconds: deps.chatCacheSeconds, usage: SETUP_USAGE },
      deps,
    );
    if (!managed.ok) {
      await reply(managed.reply);
      return;
    }
    const chat = setupChatOf({ ...managed.chat, id: managed.chat.chatId, type: managed.type });
    const shown = await lookAtChat(ctx.api, chat, ctx.me, deps);
    await reply(shown.text, { reply_markup: shown.keyboard });
  });

  // The bot was added to a chat, or its rights there changed: show what set-up still needs.
  feature.on("my_chat_member", async (ctx) => {
    const update = ctx.myChatMember;
    const chat = update.chat;
    if (chat.type === "private" || !isPresent(update.new_chat_member)) return;
    if (isPresent(update.old_chat_member) && !rightsChanged(update.old_chat_member, update.new_chat_member))
      return;
    const shown = await lookAtChat(ctx.api, setupChatOf(chat), ctx.me, deps);
    const extra = { reply_markup: shown.keyboard, link_preview_options: { is_disabled: true } };
    if (chat.type !== "channel") {
      await ctx.api.sendMessage(chat.id, shown.text, extra);
      return;
    }
    // A checklist has no place among a channel's posts: it goes to whoever added the bot.
    try {
      await ctx.api.sendMessage(update.from.id, shown.text, extra);
    } catch (error) {
      if (!isPrivateChatClosed(error)) throw error;
      deps.logger.info({ chatId: chat.id }, "added to a channel by someone who never started the bot");
    }
  });

  feature.callbackQuery(
    /^su:/,
    answerIfFailed((ctx) => handleSetupPress(ctx, deps)),
  );
  return feature;
}

function isPresent(member: ChatMember): boolean {
  return member.status === "member" || member.status === "administrator" || member.status === "creator";
}

function rightsChanged(before: ChatMember, after: ChatMember): boolean {
  return JSON.stringify({ ...before, user: undefined }) !== JSON.stringify({ ...after, user: undefined });
}
