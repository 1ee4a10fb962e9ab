import { type CallsQueue, RecurringRuleSchema, type TargetChat } from "@callbot/shared";
import type { Context } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { BotLimits } from "../bot-limits.ts";
import type { Clock } from "../clock.ts";
import type { AutostartDefaults } from "../newcall/autostart-default-store.ts";
import type { KnownChats } from "../newcall/known-chats-store.ts";
import type { NewCallCommand } from "../newcall/parse-new-call-command.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import { renderRecurringSaved } from "./describe-recurring-rule.ts";
import { MAX_RULES_PER_CHAT, type RecurringRulesStore } from "./recurring-rules-store.ts";
import { scheduleRecurringRule } from "./schedule-recurring-rule.ts";

export interface SaveRecurringRuleDeps {
  redis: Redis;
  keys: BotKeys;
  rules: RecurringRulesStore;
  knownChats: KnownChats;
  autostartDefaults: AutostartDefaults;
  callsQueue: CallsQueue;
  clock: Clock;
  logger: Logger;
  timeZoneFor: (userId: number) => string;
  limits: Pick<BotLimits, "replayClaimSeconds" | "recurringLeadHours">;
}

/**
 * `/newcall … every monday 18:00`: the rule is saved as a job scheduler (rights were checked
 * exactly as for a single call), and the answer names the rule in words and its next occurrence.
 */
export async function saveRecurringRule(
  ctx: Context,
  command: NewCallCommand,
  target: TargetChat,
  deps: SaveRecurringRuleDeps,
): Promise<void> {
  const msg = ctx.msg;
  const chat = ctx.chat;
  const requester = ctx.from;
  const recurrence = command.recurrence;
  if (!msg || !chat || !requester || !recurrence) return;
  // Derived from the command, so a replayed update finds its claim (and would upsert the same scheduler).
  const ruleId = `recurring_${chat.id}_${msg.message_id}`;
  const claimed = await deps.redis.set(
    deps.keys.claim(ruleId),
    "1",
    "EX",
    deps.limits.replayClaimSeconds,
    "NX",
  );
  if (claimed !== "OK") return;
  if ((await deps.rules.list(target.chatId)).length >= MAX_RULES_PER_CHAT) {
    await deps.redis.del(deps.keys.claim(ruleId));
    await replyToCommand(
      ctx,
      `«${target.title}» already has ${MAX_RULES_PER_CHAT} recurring calls, the most I keep per chat. Stop one with /stoprecurring first.`,
    );
    return;
  }
  const now = deps.clock.now();
  const rule = RecurringRuleSchema.parse({
    v: 1,
    kind: "recurring-rule",
    ruleId,
    requester: { userId: requester.id, chatId: chat.id },
    target,
    ...(command.title !== undefined && { title: command.title }),
    rtmp: command.rtmp,
    autostart: command.autostart ?? (await deps.autostartDefaults.get(target.chatId)),
    weekdays: recurrence.weekdays,
    hour: recurrence.hour,
    minute: recurrence.minute,
    timeZone: deps.timeZoneFor(requester.id),
    // Telegram schedules at most 8 days ahead; the schema caps the lead at 7.
    leadHours: Math.min(Math.max(1, deps.limits.recurringLeadHours), 168),
    createdAt: now,
  });
  await scheduleRecurringRule(rule, { store: deps.rules, callsQueue: deps.callsQueue, nowMs: now });
  deps.logger.info({ ruleId, targetChatId: target.chatId }, "recurring rule saved");
  await deps.knownChats.remember(target, now).catch(() => undefined);
  await replyToCommand(ctx, renderRecurringSaved(rule, now, ctx.me.username));
}
