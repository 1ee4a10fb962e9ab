import { Composer, type Context } from "grammy";
import type { Logger } from "pino";
import { REMIND_PRESS } from "../announcements/render-announcement.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { ChatCallSettingsStore } from "../chat-settings/chat-call-settings.ts";
import { describeCall } from "../messages/describe-call.ts";
import type { ReminderSubscriptions } from "../reminders/reminder-subscriptions.ts";
import { isPrivateChatClosed } from "../telegram/bot-api-errors.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface RemindMeDeps {
  registry: CallsRegistry;
  subscriptions: ReminderSubscriptions;
  settings: ChatCallSettingsStore;
  logger: Logger;
}

/** The /start payload that subscribes: t.me/<bot>?start=remind_<registry id>. */
const START_PAYLOAD = /^remind_([0-9a-z]{1,12})$/;

/**
 * The 🔔 Remind me button of an announcement, and `/start remind_<id>` (its deep link). A press
 * subscribes (or, pressed again, unsubscribes) and confirms in a private message; a bot can
 * write to someone only after they started it (api:#sendmessage answers 403 "bot can't initiate
 * conversation with a user"), so someone who never did is answered with the deep link, which
 * opens the bot and subscribes them with its Start button.
 */
export function createRemindMeFeature(deps: RemindMeDeps): Composer<Context> {
  const feature = new Composer<Context>();

  feature.callbackQuery(REMIND_PRESS, async (ctx) => {
    const entryId = ctx.match[1] ?? "";
    const userId = ctx.from.id;
    const entry = await deps.registry.get(entryId);
    if (entry === undefined || entry.state !== "scheduled") {
      await ctx.answerCallbackQuery({
        text: "This call is no longer scheduled, so there is nothing to remind you of.",
      });
      return;
    }
    if (await deps.subscriptions.has(entryId, userId)) {
      await deps.subscriptions.remove(entryId, userId);
      await ctx.answerCallbackQuery({ text: "🔕 Reminder off: I will not message you about this call." });
      return;
    }
    const confirmed = await confirmPrivately(ctx, userId, entryId);
    if (!confirmed) {
      const link = `https://t.me/${ctx.me.username}?start=remind_${entryId}`;
      await ctx.answerCallbackQuery({ text: `Start me first, then I can message you: ${link}`, url: link });
      return;
    }
    await deps.subscriptions.add(entryId, userId);
    await ctx.answerCallbackQuery({ text: "🔔 I will remind you in a private message." });
  });

  // Before /start's welcome: the deep link's Start subscribes and says so instead.
  feature.command("start", async (ctx, next) => {
    const match = START_PAYLOAD.exec(ctx.match.trim());
    if (!match || ctx.chat.type !== "private" || !ctx.from) return next();
    const entryId = match[1] ?? "";
    const entry = await deps.registry.get(entryId);
    if (entry === undefined || entry.state !== "scheduled") {
      await ctx.reply(
        "That call is no longer scheduled, so there is nothing to remind you of. /help says what I do.",
      );
      return;
    }
    await deps.subscriptions.add(entryId, ctx.from.id);
    await replyToCommand(ctx, await subscribedText(entryId));
  });

  async function subscribedText(entryId: string): Promise<string> {
    const entry = await deps.registry.get(entryId);
    if (!entry) return "🔔 I will remind you.";
    const { remindMinutes } = await deps.settings.get(entry.chatId);
    return `🔔 I will remind you of the ${describeCall({ title: entry.title, rtmp: entry.rtmp })} in «${entry.chatTitle}» ${remindMinutes} min before it starts, and when it starts. Press the button again to stop.`;
  }

  /** The confirmation is also the test of whether the bot may write to this person. */
  async function confirmPrivately(ctx: Context, userId: number, entryId: string): Promise<boolean> {
    try {
      await ctx.api.sendMessage(userId, await subscribedText(entryId));
      return true;
    } catch (error) {
      if (!isPrivateChatClosed(error)) throw error;
      deps.logger.info({ entryId }, "a subscriber never started the bot; sent the deep link");
      return false;
    }
  }

  return feature;
}
