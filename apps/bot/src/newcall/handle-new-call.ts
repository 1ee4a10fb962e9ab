import { jobIdForCommand } from "@callbot/shared";
import type { Context } from "grammy";
import type { AssistantCheck, AssistantRequest } from "../assistant/assistant-for-chat.ts";
import type { Authorise } from "../auth/authorise-requester.ts";
import type { BotLimits } from "../bot-limits.ts";
import { type RouteDeps, routeScheduledCall } from "../calendar/route-scheduled-call.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { type SaveRecurringRuleDeps, saveRecurringRule } from "../recurring/save-recurring-rule.ts";
import { admitted, tellNewCallRateLimited } from "../requests/admit-new-call.ts";
import { type ResolvedChat, resolveTargetChat } from "../targets/resolve-target-chat.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import { describeParseError } from "./describe-parse-error.ts";
import { parseNewCallCommand } from "./parse-new-call-command.ts";
import { type SubmitDeps, submitCallRequest } from "./submit-call-request.ts";

export interface NewCallHandlerDeps
  extends SaveRecurringRuleDeps,
    Omit<SubmitDeps, "botUsername" | "limits">,
    Omit<RouteDeps, "redis" | "keys" | "callsRegistry" | "clock" | "logger" | "limits"> {
  authorise: Authorise;
  limits: BotLimits;
  /** With several assistant accounts: whether one may make the call in the chat (assistant-for-chat.ts). */
  checkAssistant?: (request: AssistantRequest) => Promise<AssistantCheck>;
  callsRegistry: NonNullable<SubmitDeps["callsRegistry"]>;
}

/**
 * /newcall with arguments: parse, resolve the chat, authorise, then answer "queued" and add the
 * job; with `every …`, save a recurring rule instead.
 *
 * Order matters for cost and safety: everything that can refuse runs before the bot says
 * anything, so a refused command costs one sendMessage and queues nothing; a replayed update is
 * recognised (the request ledger, keyed by the job id) before the "queued" answer is sent again.
 */
export async function handleNewCall(ctx: Context, deps: NewCallHandlerDeps): Promise<void> {
  const msg = ctx.msg;
  const chat = ctx.chat;
  if (!msg || !chat) return;
  const botUsername = ctx.me.username;
  const refuse = async (refusal: Parameters<typeof describeRefusal>[0], chatName: string) => {
    if (await admitted(ctx, deps.ledger))
      await replyToCommand(ctx, describeRefusal(refusal, { chat: chatName, botUsername }));
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
    if (!(await admitted(ctx, deps.ledger))) return;
    // In a group, a reply that quotes the sender's words goes only to someone who may create
    // calls there: anyone else hears no more than that they may not.
    if (chat.type !== "private") {
      const rights = await deps.authorise({ chatId: chat.id, userId: requester.id, rtmp: false });
      if (!rights.ok) {
        await replyToCommand(
          ctx,
          describeRefusal(rights.reason, { chat: chat.title ?? "this chat", botUsername }),
        );
        return;
      }
    }
    await replyToCommand(ctx, describeParseError(parsed.error, { timeZone }));
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

  const authorisation = await deps.authorise({
    chatId: target.chatId,
    userId: requester.id,
    rtmp: command.rtmp,
  });
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
    if (await admitted(ctx, deps.ledger)) await saveRecurringRule(ctx, command, targetChat, deps);
    return;
  }

  const assistant = await deps.checkAssistant?.({
    chatId: target.chatId,
    chatTitle: target.title,
    chatUsername: target.username,
    rtmp: command.rtmp,
  });
  if (assistant?.ok === false) {
    if (await admitted(ctx, deps.ledger)) await replyToCommand(ctx, assistant.text);
    return;
  }

  // The flag wins; without it, a scheduled call follows the chat's default (/autostart on|off).
  const autostart =
    command.scheduleDate !== undefined &&
    (command.autostart ?? (await deps.autostartDefaults.get(target.chatId)));
  const draft = {
    requestId: jobIdForCommand(chat.id, msg.message_id),
    requester: { userId: requester.id, chatId: chat.id, messageId: msg.message_id },
    target: targetChat,
    title: command.title,
    scheduleDate: command.scheduleDate,
    rtmp: command.rtmp,
    autostart,
    ...(command.endAt !== undefined && { endAt: command.endAt }),
    timeZone,
    now,
  };
  // A scheduled call may be further ahead than Telegram holds, or overlap another: the calendar decides.
  if (draft.scheduleDate !== undefined) {
    const routed = await routeScheduledCall(
      { ...draft, scheduleDate: draft.scheduleDate },
      async (text, keyboard) => {
        await replyToCommand(ctx, text, keyboard === undefined ? {} : { reply_markup: keyboard });
      },
      deps,
      botUsername,
      () => admitted(ctx, deps.ledger),
    );
    if (routed !== "now") return;
  }
  const outcome = await submitCallRequest(
    draft,
    {
      show: async (text) => {
        const sent = await replyToCommand(ctx, text);
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
    await replyToCommand(ctx, describeRefusal("cooldown", { chat: target.title, botUsername }));
  if (outcome === "rate-limited") await tellNewCallRateLimited(ctx);
}
