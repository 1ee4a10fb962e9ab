import { type CallsQueue, jobIdForCommand, RecurringRuleSchema } from "@callbot/shared";
import { Composer, type Context, type NextFunction } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { authoriseRequester } from "../auth/authorise-requester.ts";
import type { BotLimits } from "../bot-limits.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { Clock } from "../clock.ts";
import { type AutostartDefaults, autostartDefaults } from "../newcall/autostart-default-store.ts";
import { describeParseError } from "../newcall/describe-parse-error.ts";
import { describeRefusal } from "../newcall/describe-refusal.ts";
import { GuidedFlowWatchdog } from "../newcall/guided-flow-watchdog.ts";
import { type KnownChats, knownChats } from "../newcall/known-chats-store.ts";
import { type NewCallCommand, parseNewCallCommand } from "../newcall/parse-new-call-command.ts";
import { submitCallRequest } from "../newcall/submit-call-request.ts";
import { renderRecurringSaved } from "../recurring/describe-recurring-rule.ts";
import {
  MAX_RULES_PER_CHAT,
  type RecurringRulesStore,
  recurringRulesStore,
} from "../recurring/recurring-rules-store.ts";
import { scheduleRecurringRule } from "../recurring/schedule-recurring-rule.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { isRedisUnavailable } from "../redis/is-redis-unavailable.ts";
import type { RequestLedger } from "../requests/request-ledger.ts";
import { type ResolvedChat, resolveTargetChat } from "../targets/resolve-target-chat.ts";
import { createAutostartDefaultFeature } from "./autostart-default.ts";
import { createGuidedNewCallFeature, guidedConversationKey } from "./guided-newcall.ts";
import { createStopRecurringFeature } from "./stop-recurring.ts";

export interface NewCallDeps {
  redis: Redis;
  keys: BotKeys;
  /** The bot's key prefix: the guided flow, recurring rules and chat defaults keep keys under it. */
  prefix: string;
  callsQueue: CallsQueue;
  ownerIds: readonly number[];
  timeZoneFor: (userId: number) => string;
  clock: Clock;
  logger: Logger;
  limits: BotLimits;
  /** Each request's replay claim, write-ahead, cooldown and the per-user /newcall rate limit. */
  ledger: RequestLedger;
  /** The calls registry: a request from the private chat is told early of a call it knows. */
  callsRegistry?: CallsRegistry;
}

interface Stores {
  known: KnownChats;
  autostart: AutostartDefaults;
  rules: RecurringRulesStore;
}

/**
 * /newcall: parse, resolve the chat, authorise, then answer "queued" and add the job; with
 * `every …`, save a recurring rule instead; with no arguments in the private chat, open the
 * guided flow. Also mounts /autostart (a chat's default) and /stoprecurring.
 *
 * Order matters for cost and safety: everything that can refuse runs before the bot says
 * anything, so a refused command costs one sendMessage and queues nothing; a replayed update
 * is recognised (a Redis claim keyed by the job id) before the "queued" answer is sent again.
 */
export function createNewCallFeature(deps: NewCallDeps): Composer<Context> {
  const stores: Stores = {
    known: knownChats(deps.redis, deps.keys),
    autostart: autostartDefaults(deps.redis, deps.prefix),
    rules: recurringRulesStore({
      redis: deps.redis,
      prefix: deps.prefix,
      callsQueue: deps.callsQueue,
      logger: deps.logger,
    }),
  };
  const watchdog = new GuidedFlowWatchdog({
    redis: deps.redis,
    prefix: deps.prefix,
    conversationKey: (chatId) => guidedConversationKey(deps.prefix, chatId),
    timeoutMs: deps.limits.guidedFlowTimeoutMs,
    logger: deps.logger,
  });
  const guided = createGuidedNewCallFeature({
    ...deps,
    limits: deps.limits,
    memberCacheSeconds: deps.limits.memberCacheSeconds,
    chatCacheSeconds: deps.limits.chatCacheSeconds,
    knownChats: stores.known,
    rules: stores.rules,
    autostartDefaults: stores.autostart,
    watchdog,
    timeoutMs: deps.limits.guidedFlowTimeoutMs,
  });

  const feature = new Composer<Context>();
  feature.use(guided.composer);
  // The per-user /newcall limit is counted by the request ledger: in the same round trip as the
  // replay claim for a request that gets that far, on its own for one refused or diverted before.
  feature.command("newcall", answerWhenRedisIsDown(deps.logger), async (ctx) => {
    if (ctx.chat.type === "private" && ctx.match.trim() === "" && ctx.from) {
      if (await admitted(ctx, deps)) await guided.enter(ctx);
      return;
    }
    await handleNewCall(ctx, deps, stores);
  });
  feature.use(
    createAutostartDefaultFeature({
      defaults: stores.autostart,
      known: stores.known,
      auth: {
        redis: deps.redis,
        keys: deps.keys,
        ownerIds: deps.ownerIds,
        ttlSeconds: deps.limits.memberCacheSeconds,
      },
      clock: deps.clock,
    }),
  );
  feature.use(
    createStopRecurringFeature({
      rules: stores.rules,
      auth: {
        redis: deps.redis,
        keys: deps.keys,
        ownerIds: deps.ownerIds,
        ttlSeconds: deps.limits.memberCacheSeconds,
      },
      logger: deps.logger,
    }),
  );
  return feature;
}

/**
 * Counts a /newcall that will not reach the ledger's `begin` against the user's limit. Over it,
 * the first refusal of a burst says "slow down" and the rest say nothing, so the answer itself
 * cannot flood the chat.
 */
async function admitted(ctx: Context, deps: NewCallDeps): Promise<boolean> {
  if (!ctx.from) return true;
  const verdict = await deps.ledger.countNewCall(ctx.from.id);
  if (verdict === "tell") await tellRateLimited(ctx);
  return verdict === "pass";
}

function tellRateLimited(ctx: Context) {
  return replyTo(ctx, describeRefusal("rate-limited", { chat: "", botUsername: ctx.me.username }));
}

/** Any Redis failure before the job is added becomes "could not queue", at once. */
function answerWhenRedisIsDown(logger: Logger) {
  return async (ctx: Context, next: NextFunction) => {
    try {
      await next();
    } catch (error) {
      if (!isRedisUnavailable(error)) throw error;
      logger.warn({ err: error }, "/newcall refused: Redis is unavailable");
      await replyTo(ctx, describeRefusal("could-not-queue", { chat: "", botUsername: ctx.me.username }));
    }
  };
}

async function handleNewCall(ctx: Context, deps: NewCallDeps, stores: Stores): Promise<void> {
  const msg = ctx.msg;
  const chat = ctx.chat;
  if (!msg || !chat) return;
  const botUsername = ctx.me.username;
  const refuse = async (refusal: Parameters<typeof describeRefusal>[0], chatName: string) => {
    if (await admitted(ctx, deps))
      await replyTo(ctx, describeRefusal(refusal, { chat: chatName, botUsername }));
  };

  if (chat.type === "channel") {
    await refuse("channel-post", chat.username ? `@${chat.username}` : String(chat.id));
    return;
  }
  // An anonymous admin (or someone posting as a channel) writes as a chat: who they are is unknown.
  if (msg.sender_chat !== undefined || !ctx.from) {
    await refuse("anonymous-admin", chat.username ? `@${chat.username}` : String(chat.id));
    return;
  }
  const requester = ctx.from;
  const authDeps = {
    api: ctx.api,
    redis: deps.redis,
    keys: deps.keys,
    ownerIds: deps.ownerIds,
    ttlSeconds: deps.limits.memberCacheSeconds,
  };
  const now = deps.clock.now();
  const timeZone = deps.timeZoneFor(requester.id);

  const parsed = parseNewCallCommand(msg.text ?? msg.caption ?? "", {
    chatType: chat.type,
    botUsername,
    now,
    timeZone,
  });
  if (!parsed.ok) {
    if (parsed.error.kind === "not-for-this-bot") return;
    if (!(await admitted(ctx, deps))) return;
    // In a group, a reply that quotes the sender's words goes only to someone who may create
    // calls there: anyone else hears no more than that they may not.
    if (chat.type !== "private") {
      const rights = await authoriseRequester(
        { chatId: chat.id, userId: requester.id, rtmp: false },
        authDeps,
      );
      if (!rights.ok) {
        await replyTo(ctx, describeRefusal(rights.reason, { chat: chat.title ?? "this chat", botUsername }));
        return;
      }
    }
    await replyTo(ctx, describeParseError(parsed.error, { timeZone }));
    return;
  }
  const command = parsed.command;

  let target: ResolvedChat;
  if (command.target.kind === "here") {
    target = {
      chatId: chat.id,
      title: chat.title ?? "this chat",
      type: chat.type,
      botIsMember: true,
      ...(chat.username !== undefined && { username: chat.username }),
    };
  } else {
    const resolved = await resolveTargetChat(command.target, {
      api: ctx.api,
      redis: deps.redis,
      keys: deps.keys,
      botId: ctx.me.id,
      ttlSeconds: deps.limits.chatCacheSeconds,
    });
    if (!resolved.ok) {
      await refuse(resolved.reason, resolved.given);
      return;
    }
    target = resolved.chat;
  }

  const authorisation = await authoriseRequester(
    { chatId: target.chatId, userId: requester.id, rtmp: command.rtmp },
    authDeps,
  );
  if (!authorisation.ok) {
    await refuse(authorisation.reason, target.title);
    return;
  }

  const targetChat = {
    chatId: target.chatId,
    title: target.title,
    ...(target.username !== undefined && { username: target.username }),
  };
  if (command.recurrence !== undefined) {
    if (await admitted(ctx, deps)) await saveRecurringRule(ctx, command, targetChat, deps, stores);
    return;
  }

  // The flag wins; without it, a scheduled call follows the chat's default (/autostart on|off).
  const autostart =
    command.scheduleDate !== undefined && (command.autostart ?? (await stores.autostart.get(target.chatId)));
  const outcome = await submitCallRequest(
    {
      requestId: jobIdForCommand(chat.id, msg.message_id),
      requester: { userId: requester.id, chatId: chat.id, messageId: msg.message_id },
      target: targetChat,
      title: command.title,
      scheduleDate: command.scheduleDate,
      rtmp: command.rtmp,
      autostart,
      timeZone,
      now,
    },
    {
      show: async (text) => {
        const sent = await replyTo(ctx, text);
        return { chatId: sent.chat.id, messageId: sent.message_id };
      },
      edit: async (ack, text) => {
        await ctx.api.editMessageText(ack.chatId, ack.messageId, text);
      },
    },
    { ...deps, botUsername },
    requester.id,
  );
  if (outcome === "cooldown")
    await replyTo(ctx, describeRefusal("cooldown", { chat: target.title, botUsername }));
  if (outcome === "rate-limited") await tellRateLimited(ctx);
}

/**
 * `/newcall … every monday 18:00`: the rule is saved as a job scheduler (rights were checked
 * exactly as for a single call), and the answer names the rule in words and its next occurrence.
 */
async function saveRecurringRule(
  ctx: Context,
  command: NewCallCommand,
  target: { chatId: number; title: string; username?: string },
  deps: NewCallDeps,
  stores: Stores,
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
  if ((await stores.rules.list(target.chatId)).length >= MAX_RULES_PER_CHAT) {
    await deps.redis.del(deps.keys.claim(ruleId));
    await replyTo(
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
    autostart: command.autostart ?? (await stores.autostart.get(target.chatId)),
    weekdays: recurrence.weekdays,
    hour: recurrence.hour,
    minute: recurrence.minute,
    timeZone: deps.timeZoneFor(requester.id),
    // Telegram schedules at most 8 days ahead; the schema caps the lead at 7.
    leadHours: Math.min(Math.max(1, deps.limits.recurringLeadHours), 168),
    createdAt: now,
  });
  await scheduleRecurringRule(rule, { store: stores.rules, callsQueue: deps.callsQueue, nowMs: now });
  deps.logger.info({ ruleId, targetChatId: target.chatId }, "recurring rule saved");
  await stores.known.remember(target, now).catch(() => undefined);
  await replyTo(ctx, renderRecurringSaved(rule, now, ctx.me.username));
}

function replyTo(ctx: Context, text: string) {
  const messageId = ctx.msg?.message_id;
  return ctx.reply(
    text,
    messageId === undefined
      ? {}
      : { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } },
  );
}
