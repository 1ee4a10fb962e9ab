import { type CallActionRequest, callActionVersion } from "@callbot/shared";
import type { Context } from "grammy";
import type { Logger } from "pino";
import { ASSISTANT_OFFLINE_TEXT } from "../assistant/assistant-offline.ts";
import type { Clock } from "../clock.ts";
import { cleanTitle } from "../newcall/clean-title.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import type { CallsViewDeps } from "./calls-view.ts";
import { actionJobId, addCallAction, addedName } from "./queue-call-action.ts";
import { resolveManagedChat } from "./resolve-managed-chat.ts";

export interface ChatCommandDeps extends CallsViewDeps {
  clock: Clock;
  logger: Logger;
  timeZoneFor: (userId: number) => string;
  chatCacheSeconds: number;
}

/** Telegram keeps unconfirmed updates for 24 hours. */
const CLAIM_SECONDS = 48 * 3600;

export const RENAME_USAGE = [
  "Rename the current call of a chat:",
  "in the group: /rename New title",
  "in a private chat with me: /rename @yourgroup New title",
].join("\n");

export const ROTATE_USAGE = [
  "Rotate (replace) the stream key of a chat's livestream; the old key stops working. Only the chat's owner may do this.",
  "Send it to me in a private chat: /rotatekey @yourchannel",
].join("\n");

/** /rename [chat] <title>: editGroupCallTitle on the chat's scheduled or live call. */
export async function handleRename(ctx: Context, args: string, deps: ChatCommandDeps): Promise<void> {
  const resolved = await resolveManagedChat(
    ctx,
    args,
    { ownerOnly: false, chatCacheSeconds: deps.chatCacheSeconds, usage: RENAME_USAGE },
    deps,
  );
  if (!resolved.ok) return void (await replyToCommand(ctx, resolved.reply));
  const cleaned = cleanTitle(resolved.rest);
  if (!cleaned.ok) {
    return void (await replyToCommand(
      ctx,
      `That title is ${cleaned.error.length} characters long; Telegram allows at most ${cleaned.error.max}.`,
    ));
  }
  if (cleaned.title === undefined) return void (await replyToCommand(ctx, RENAME_USAGE));
  const current = await deps.registry.current(resolved.chat.chatId);
  if (!current?.call) {
    return void (await replyToCommand(
      ctx,
      current
        ? `The call in «${resolved.chat.title}» was set up in Telegram directly, so I do not know its id. Rename it there.`
        : `«${resolved.chat.title}» has no scheduled or live call that I know of. See /calls.`,
    ));
  }
  if (!(await claimCommand(ctx, deps, "rename"))) return;
  const ack = await replyToCommand(
    ctx,
    `⏳ Renaming the call in «${resolved.chat.title}» to “${cleaned.title}”…`,
  );
  await queueChatAction(ctx, deps, {
    action: "rename",
    chat: resolved.chat,
    call: current.call,
    title: cleaned.title,
    ack: { chatId: ack.chat.id, messageId: ack.message_id },
  });
}

/** /rotatekey <chat>: revoke the chat's RTMP key; the new credentials go to this private chat. */
export async function handleRotateKey(ctx: Context, args: string, deps: ChatCommandDeps): Promise<void> {
  if (ctx.chat?.type !== "private") {
    return void (await replyToCommand(
      ctx,
      `Stream keys are only handled in a private chat. Send me: /rotatekey @${ctx.chat && "username" in ctx.chat && ctx.chat.username ? ctx.chat.username : "yourchat"}`,
    ));
  }
  const resolved = await resolveManagedChat(
    ctx,
    args,
    { ownerOnly: true, chatCacheSeconds: deps.chatCacheSeconds, usage: ROTATE_USAGE },
    deps,
  );
  if (!resolved.ok) return void (await replyToCommand(ctx, resolved.reply));
  if (!(await claimCommand(ctx, deps, "rotate-rtmp-key"))) return;
  const ack = await replyToCommand(ctx, `⏳ Rotating the stream key of «${resolved.chat.title}»…`);
  await queueChatAction(ctx, deps, {
    action: "rotate-rtmp-key",
    chat: resolved.chat,
    ack: { chatId: ack.chat.id, messageId: ack.message_id },
  });
}

/** Telegram re-delivers unconfirmed updates: a command already handled is not answered or queued again. */
export async function claimCommand(ctx: Context, deps: ChatCommandDeps, action: string): Promise<boolean> {
  const requestId = actionJobId(action, ctx.chat!.id, ctx.msg!.message_id);
  const claimed = await deps.redis.set(deps.keys.claim(requestId), "1", "EX", CLAIM_SECONDS, "NX");
  if (claimed !== "OK") deps.logger.info({ requestId }, "replayed command ignored");
  return claimed === "OK";
}

/** Queues a command's call action on a chat (whose rights were checked), one job per command message. */
export async function queueChatAction(
  ctx: Context,
  deps: ChatCommandDeps,
  what: Pick<
    CallActionRequest,
    "action" | "call" | "title" | "ack" | "recording" | "forwardTo" | "invitees"
  > & {
    chat: CallActionRequest["target"];
  },
): Promise<void> {
  const from = ctx.from!;
  const request: CallActionRequest = {
    v: callActionVersion(what.action),
    kind: "call-action",
    // One command message, one job, however often Telegram delivers the update.
    requestId: actionJobId(what.action, ctx.chat!.id, ctx.msg!.message_id),
    action: what.action,
    origin: "user",
    requester: { userId: from.id, chatId: ctx.chat!.id },
    ...(what.ack !== undefined && { ack: what.ack }),
    target: what.chat,
    ...(what.call !== undefined && { call: what.call }),
    ...(what.title !== undefined && { title: what.title }),
    ...(what.recording !== undefined && { recording: what.recording }),
    ...(what.forwardTo !== undefined && { forwardTo: what.forwardTo }),
    ...(what.invitees !== undefined && { invitees: what.invitees }),
    timeZone: deps.timeZoneFor(from.id),
    requestedAt: deps.clock.now(),
  };
  const added = await addCallAction(deps.callsQueue, request, deps.redis, {
    api: ctx.api,
    logger: deps.logger,
    now: () => deps.clock.now(),
  });
  deps.logger.info(
    {
      requestId: request.requestId,
      action: request.action,
      added: addedName(added),
    },
    "call action queued",
  );
  const refusal =
    typeof added === "object"
      ? added.text
      : added === "assistant-offline"
        ? ASSISTANT_OFFLINE_TEXT
        : undefined;
  if (refusal !== undefined && what.ack !== undefined) {
    await ctx.api.editMessageText(what.ack.chatId, what.ack.messageId, refusal);
  }
}
