import type { RecurringRule } from "@callbot/shared";
import { Composer, type Context, InlineKeyboard } from "grammy";
import type { Logger } from "pino";
import type { Authorise } from "../auth/authorise-requester.ts";
import { describeCall } from "../messages/describe-call.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { describeRecurrence } from "../recurring/describe-recurring-rule.ts";
import type { RecurringRulesStore } from "../recurring/recurring-rules-store.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface StopRecurringDeps {
  rules: RecurringRulesStore;
  authorise: Authorise;
  logger: Logger;
}

/** Callback data of a "Stop" button: `rstop:<ruleId>` (a rule id is at most ~40 bytes of the 64 allowed). */
export const STOP_RULE_PREFIX = "rstop:";

/**
 * Cancelling recurring calls:
 * - `/stoprecurring` in a group lists that chat's rules, each with a Stop button;
 * - `/stoprecurring` in the private chat does the same for every chat with rules the user manages;
 * - `/stoprecurring <ruleId>` stops one at once (the id is in the answer that created it).
 * Each stop re-checks the presser's rights, since the list may be old.
 */
export function createStopRecurringFeature(deps: StopRecurringDeps): Composer<Context> {
  const feature = new Composer<Context>();

  feature.command("stoprecurring", async (ctx) => {
    const reply = (text: string, keyboard?: InlineKeyboard) =>
      replyToCommand(ctx, text, keyboard !== undefined ? { reply_markup: keyboard } : {});
    if (ctx.msg.sender_chat !== undefined || !ctx.from) {
      await reply(
        describeRefusal("anonymous-admin", { chat: ctx.chat.title ?? "", botUsername: ctx.me.username }),
      );
      return;
    }
    const userId = ctx.from.id;
    const ruleId = ctx.match.trim();
    if (ruleId !== "") {
      await reply((await stopRule(ctx, ruleId, userId, deps)).text);
      return;
    }
    const chatIds = ctx.chat.type === "private" ? await deps.rules.chatIds() : [ctx.chat.id];
    const manageable: RecurringRule[] = [];
    for (const chatId of chatIds) {
      const rules = await deps.rules.list(chatId);
      if (rules.length === 0) continue;
      const auth = await deps.authorise({ chatId, userId, rtmp: false });
      if (auth.ok) manageable.push(...rules);
    }
    if (manageable.length === 0) {
      await reply(
        ctx.chat.type === "private"
          ? "There are no recurring calls in the chats you manage."
          : "There are no recurring calls here that you may stop.",
      );
      return;
    }
    const keyboard = new InlineKeyboard();
    const lines = ["Recurring calls:"];
    manageable.forEach((rule, i) => {
      lines.push(`${i + 1}. ${describeRule(rule)}`);
      keyboard.text(`Stop ${i + 1}`, `${STOP_RULE_PREFIX}${rule.ruleId}`).row();
    });
    await reply(lines.join("\n"), keyboard);
  });

  feature.callbackQuery(new RegExp(`^${STOP_RULE_PREFIX}(.+)$`), async (ctx) => {
    const ruleId = ctx.match[1] ?? "";
    const { stopped, text } = await stopRule(ctx, ruleId, ctx.from.id, deps);
    // A refusal is for the presser alone: an alert on the button, never a message in the chat,
    // so a member pressing Stop over and over cannot make the bot post into the group.
    await ctx.answerCallbackQuery({ text: text.slice(0, 190), show_alert: !stopped });
    if (stopped && ctx.callbackQuery.message && ctx.chat) {
      await ctx.api.sendMessage(ctx.chat.id, text).catch((error: unknown) => {
        deps.logger.warn({ err: error }, "could not confirm a stopped recurring call");
      });
    }
  });
  return feature;
}

function describeRule(rule: RecurringRule): string {
  return `${describeCall({ title: rule.title, rtmp: rule.rtmp })} in «${rule.target.title}», ${describeRecurrence(rule)}`;
}

async function stopRule(
  ctx: Context,
  ruleId: string,
  userId: number,
  deps: StopRecurringDeps,
): Promise<{ stopped: boolean; text: string }> {
  const gone = {
    stopped: false,
    text: "That recurring call does not exist (any more). /stoprecurring lists the current ones.",
  };
  const rule = await deps.rules.get(ruleId);
  if (!rule) return gone;
  // The list may be old: a right revoked since must count at once.
  const auth = await deps.authorise({ chatId: rule.target.chatId, userId, rtmp: false }, { fresh: true });
  if (!auth.ok)
    return {
      stopped: false,
      text: describeRefusal(auth.reason, { chat: rule.target.title, botUsername: ctx.me.username }),
    };
  // Two presses at once: only the one that removed the rule confirms it.
  if (!(await deps.rules.remove(ruleId))) return gone;
  deps.logger.info({ ruleId, userId }, "recurring rule stopped");
  return {
    stopped: true,
    text: `🛑 Stopped: ${describeRule(rule)}. No further calls will be created for it.`,
  };
}
