import { type Context, GrammyError } from "grammy";
import { type KnownAssistant, knownAssistants } from "../assistant/known-assistants.ts";
import { accountCallQueue } from "../calls/account-call-queues.ts";
import { isMessageNotModified } from "../telegram/bot-api-errors.ts";
import type { SetupReport } from "./check-chat-setup.ts";
import { askAssistantToJoin } from "./join-chat.ts";
import { lookAtChat } from "./look-at-chat.ts";
import type { SetupDeps } from "./setup-deps.ts";
import { parseSetupPress } from "./setup-press-data.ts";

/**
 * A press on a set-up button. Whoever pressed is checked again, against Telegram and not a
 * cache (the checklist may be old and shown to a whole group): the chat's owner, its admins
 * with "Manage video chats", or an operator. Then the fix runs and the checklist is redrawn
 * from a fresh look at the chat, with what happened on top.
 */
export async function handleSetupPress(ctx: Context, deps: SetupDeps): Promise<void> {
  const parsed = parseSetupPress(ctx.callbackQuery?.data ?? "");
  const message = ctx.callbackQuery?.message;
  if (!parsed || !message || !ctx.from) {
    await ctx.answerCallbackQuery({ text: "This button is no longer valid. Send /setup again." });
    return;
  }
  const rights = await deps.authorise(
    { chatId: parsed.chatId, userId: ctx.from.id, rtmp: false },
    { fresh: true },
  );
  const chat = await chatOf(ctx, parsed.chatId);
  if (!rights.ok) {
    await ctx.answerCallbackQuery({
      text:
        rights.reason === "bot-not-in-chat"
          ? `I am no longer in «${chat.title}». Add me again, then send /setup.`
          : `Only the owner of «${chat.title}» or its admins with "Manage video chats" can change its set-up.`,
      show_alert: true,
    });
    return;
  }

  let headline: string | undefined;
  if (parsed.press !== "check") {
    const assistant = await assistantOfPress(deps, parsed.accountId);
    if (typeof assistant === "string") {
      await ctx.answerCallbackQuery({ text: assistant, show_alert: true });
      return;
    }
    // One of several accounts joins through its own queue: only its worker takes that job.
    const accountQueue =
      parsed.accountId === undefined ? undefined : accountCallQueue(deps.callsQueue, parsed.accountId);
    headline = await runFix(ctx, parsed.press, chat, assistant, {
      ...deps,
      messageRef: message,
      accountQueue,
    });
  }
  await ctx.answerCallbackQuery(headline ? { text: headline.slice(0, 200) } : {});
  const shown = await lookAtChat(ctx.api, chat, ctx.me, deps, headline);
  try {
    await ctx.editMessageText(shown.text, {
      reply_markup: shown.keyboard,
      link_preview_options: { is_disabled: true },
    });
  } catch (error) {
    if (!isMessageNotModified(error)) throw error;
  }
}

async function runFix(
  ctx: Context,
  press: "add" | "promote" | "unban",
  chat: SetupReport["chat"],
  assistant: { userId: number; name: string },
  deps: Parameters<typeof askAssistantToJoin>[4],
): Promise<string> {
  try {
    switch (press) {
      case "promote":
        // Least privilege: this one right and nothing more (every other right defaults to false).
        await ctx.api.promoteChatMember(chat.id, assistant.userId, { can_manage_video_chats: true });
        return `✅ ${assistant.name} is now an admin with "Manage video chats".`;
      case "unban":
        await ctx.api.unbanChatMember(chat.id, assistant.userId, { only_if_banned: true });
        return `✅ ${assistant.name} is no longer banned. Now add it to the chat.`;
      case "add":
        return await askAssistantToJoin(ctx.api, chat, assistant, ctx.from?.id ?? 0, deps);
    }
  } catch (error) {
    if (!(error instanceof GrammyError)) throw error;
    deps.logger.info({ chatId: chat.id, press, description: error.description }, "a set-up fix was refused");
    return `❌ Telegram refused: ${describeFixRefusal(error.description, assistant.name)}`;
  }
}

/** Telegram's refusals of promote/unban/invite-link in plain words, with what to do. */
export function describeFixRefusal(description: string, assistant: string): string {
  if (/RIGHT_FORBIDDEN/i.test(description))
    return 'I may only hand out rights I hold myself: give me "Manage video chats" first.';
  if (/not enough rights|CHAT_ADMIN_REQUIRED/i.test(description))
    return "I lack the admin right this needs; see the list below.";
  if (/USER_NOT_PARTICIPANT|user not found|PARTICIPANT_ID_INVALID/i.test(description))
    return `${assistant} is not in the chat: add it first.`;
  if (/can't promote chat owner|can't remove chat owner/i.test(description))
    return `${assistant} owns the chat: nothing to change.`;
  if (/USER_PRIVACY_RESTRICTED|USER_CHANNELS_TOO_MUCH|CHANNELS_TOO_MUCH/i.test(description))
    return `${assistant} cannot be added here (its privacy settings or too many chats). Add it by hand from the chat's member list.`;
  return "try again in a minute, or make the change by hand in the chat's settings.";
}

/**
 * The account a fix is for: the one named on the button (one of several), or, on a button that
 * names none, the one account there is. When there is no such account now, what to do instead.
 */
async function assistantOfPress(
  deps: SetupDeps,
  accountId: number | undefined,
): Promise<KnownAssistant | string> {
  const assistants = await knownAssistants(deps.redis, deps.prefix);
  if (assistants.length === 0)
    return "I do not know the assistant account yet: start its worker, then tap Check again.";
  const found =
    accountId === undefined
      ? assistants.length === 1
        ? assistants[0]
        : undefined
      : assistants.find((assistant) => assistant.userId === accountId);
  return found ?? "That assistant account is not online now: tap Check again to see the accounts that are.";
}

/** The chat a press is about: the message's own chat, or (a checklist in a private chat) getChat. */
async function chatOf(ctx: Context, chatId: number): Promise<SetupReport["chat"]> {
  const here = ctx.callbackQuery?.message?.chat;
  const chat = here?.id === chatId ? here : await ctx.api.getChat(chatId);
  if (chat.type === "private") throw new Error("set-up buttons are about groups and channels");
  const { id, title, type, username } = chat;
  return { id, title, type, ...(username !== undefined && { username }) };
}
