import { type CreateCallRequest, CreateCallRequestSchema, jobIdForCommand } from "@callbot/shared";
import { limit } from "@grammyjs/ratelimiter";
import type { Queue } from "bullmq";
import { Composer, type Context, type NextFunction } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { authoriseRequester } from "../auth/authorise-requester.ts";
import type { BotLimits } from "../bot-limits.ts";
import type { Clock } from "../clock.ts";
import { describeParseError } from "../newcall/describe-parse-error.ts";
import { describeRefusal } from "../newcall/describe-refusal.ts";
import { parseNewCallCommand } from "../newcall/parse-new-call-command.ts";
import { queueCallRequest } from "../newcall/queue-call-request.ts";
import { renderQueued } from "../newcall/render-queued.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { isRedisUnavailable } from "../redis/is-redis-unavailable.ts";
import { type ResolvedChat, resolveTargetChat } from "../targets/resolve-target-chat.ts";

export interface NewCallDeps {
  redis: Redis;
  keys: BotKeys;
  callsQueue: Queue<CreateCallRequest>;
  ownerIds: readonly number[];
  timeZoneFor: (userId: number) => string;
  clock: Clock;
  logger: Logger;
  limits: BotLimits;
}

/**
 * /newcall: parse, resolve the chat, authorise, then answer "queued" and add the job.
 *
 * Order matters for cost and safety: everything that can refuse runs before the bot says
 * anything, so a refused command costs one sendMessage and queues nothing; a replayed update
 * is recognised (a Redis claim keyed by the job id) before the "queued" answer is sent again.
 */
export function createNewCallFeature(deps: NewCallDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command(
    "newcall",
    answerWhenRedisIsDown(deps.logger),
    limit<Context, Redis>({
      timeFrame: deps.limits.newCallWindowMs,
      limit: deps.limits.newCallsPerWindow,
      storageClient: deps.redis,
      keyPrefix: deps.keys.newCallRateLimitPrefix,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      // Called once per burst (the plugin's default), so the "slow down" itself cannot flood the chat.
      onLimitExceeded: async (ctx) => {
        await replyTo(ctx, describeRefusal("rate-limited", { chat: "", botUsername: ctx.me.username }));
      },
    }),
    (ctx) => handleNewCall(ctx, deps),
  );
  return feature;
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

async function handleNewCall(ctx: Context, deps: NewCallDeps): Promise<void> {
  const msg = ctx.msg;
  const chat = ctx.chat;
  if (!msg || !chat) return;
  const botUsername = ctx.me.username;
  const refuse = (refusal: Parameters<typeof describeRefusal>[0], chatName: string) =>
    replyTo(ctx, describeRefusal(refusal, { chat: chatName, botUsername }));

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
    {
      api: ctx.api,
      redis: deps.redis,
      keys: deps.keys,
      ownerIds: deps.ownerIds,
      ttlSeconds: deps.limits.memberCacheSeconds,
    },
  );
  if (!authorisation.ok) {
    await refuse(authorisation.reason, target.title);
    return;
  }

  const requestId = jobIdForCommand(chat.id, msg.message_id);
  const claimKey = deps.keys.claim(requestId);
  const claimed = await deps.redis.set(claimKey, "1", "EX", deps.limits.replayClaimSeconds, "NX");
  if (claimed !== "OK") {
    deps.logger.info({ requestId }, "replayed /newcall update ignored");
    return;
  }
  const cooldownKey = deps.keys.cooldown(target.chatId);
  const free = await deps.redis.set(cooldownKey, requestId, "EX", deps.limits.chatCooldownSeconds, "NX");
  if (free !== "OK") {
    await refuse("cooldown", target.title);
    return;
  }

  const queuedText = renderQueued({
    chatTitle: target.title,
    title: command.title,
    scheduleDate: command.scheduleDate,
    rtmp: command.rtmp,
    timeZone,
    now,
  });
  let ack: { chat: { id: number }; message_id: number };
  try {
    ack = await replyTo(ctx, queuedText);
  } catch (error) {
    // Nothing was promised to the user: let a redelivery of this update try again.
    await deps.redis.del(claimKey, cooldownKey).catch(() => undefined);
    throw error;
  }

  const request: CreateCallRequest = CreateCallRequestSchema.parse({
    v: 1,
    kind: "create-call",
    requestId,
    requester: { userId: requester.id, chatId: chat.id, messageId: msg.message_id },
    ack: { chatId: ack.chat.id, messageId: ack.message_id },
    target: {
      chatId: target.chatId,
      title: target.title,
      ...(target.username !== undefined && { username: target.username }),
    },
    ...(command.title !== undefined && { title: command.title }),
    ...(command.scheduleDate !== undefined && { scheduleDate: command.scheduleDate }),
    rtmp: command.rtmp,
    timeZone,
    requestedAt: now,
  });
  const outcome = await queueCallRequest(deps.callsQueue, request, {
    timeoutMs: deps.limits.queueTimeoutMs,
    logger: deps.logger,
  });
  if (outcome.queued) {
    deps.logger.info({ requestId, targetChatId: target.chatId, rtmp: request.rtmp }, "call request queued");
    return;
  }
  deps.logger.error({ err: outcome.error, requestId }, "could not queue a call request");
  await deps.redis.del(cooldownKey).catch(() => undefined);
  await ctx.api.editMessageText(
    ack.chat.id,
    ack.message_id,
    describeRefusal("could-not-queue", { chat: target.title, botUsername }),
  );
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
