import { Composer, type Context } from "grammy";
import type { Logger } from "pino";
import type { AutoEnds } from "../calendar/auto-ends.ts";
import { type CallsViewDeps, renderView, saveView, type ViewScope } from "../calls/calls-view.ts";
import { handlePress } from "../calls/handle-press.ts";
import { handleRename, handleRotateKey } from "../calls/rename-and-rotate.ts";
import { followVideoChatEvent, type VideoChatEvent } from "../calls-registry/follow-call-events.ts";
import type { Clock } from "../clock.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import type { CallPrompts } from "../prompts/call-prompts.ts";
import type { RecordingDestinations } from "../recordings/recording-destinations.ts";
import { wakeWaitingOccurrences } from "../recurring/wake-waiting-occurrences.ts";
import { handleReplacePress } from "../replace/handle-replace-press.ts";
import { answerIfFailed } from "../telegram/answer-if-failed.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface CallsFeatureDeps extends CallsViewDeps {
  /** Where each chat's recordings are forwarded (/recordings). */
  recordingDestinations: RecordingDestinations;
  clock: Clock;
  logger: Logger;
  timeZoneFor: (userId: number) => string;
  chatCacheSeconds: number;
  /** 👥 Invite asks whom to invite (features/call-prompts.ts takes the answer). */
  prompts: CallPrompts;
  /** Set ends: a call ended in Telegram by hand cancels its own. */
  autoEnds?: Pick<AutoEnds, "cancel">;
}

/**
 * /calls (the list with its buttons), the buttons themselves, /rename and /rotatekey, and the
 * video_chat_* service messages that keep the calls registry in step with Telegram.
 */
export function createCallsFeature(deps: CallsFeatureDeps): Composer<Context> {
  const feature = new Composer<Context>();

  feature.command("calls", (ctx) => handleCallsCommand(ctx, deps));
  feature.command("rename", (ctx) => handleRename(ctx, ctx.match, deps));
  feature.command("rotatekey", (ctx) => handleRotateKey(ctx, ctx.match, deps));

  feature.callbackQuery(
    /^cl:/,
    answerIfFailed((ctx) => handlePress(ctx, deps)),
  );
  feature.callbackQuery(
    /^rp:/,
    answerIfFailed((ctx) => handleReplacePress(ctx, deps)),
  );

  const follow = (event: (ctx: Context) => VideoChatEvent) => async (ctx: Context) => {
    const chat = ctx.chat;
    if (!chat || chat.type === "private") return;
    await followVideoChatEvent(
      deps.registry,
      { chatId: chat.id, title: chat.title, ...(chat.username !== undefined && { username: chat.username }) },
      event(ctx),
      Math.floor(deps.clock.now() / 1000),
    );
  };
  feature.on(
    ["message:video_chat_scheduled", "channel_post:video_chat_scheduled"],
    follow((ctx) => ({ kind: "scheduled", startDate: ctx.msg?.video_chat_scheduled?.start_date ?? 0 })),
  );
  feature.on(
    ["message:video_chat_started", "channel_post:video_chat_started"],
    follow(() => ({ kind: "started" })),
  );
  const followEnded = follow((ctx) => ({
    kind: "ended",
    duration: ctx.msg?.video_chat_ended?.duration ?? 0,
  }));
  feature.on(["message:video_chat_ended", "channel_post:video_chat_ended"], async (ctx) => {
    const before = await deps.registry.current(ctx.chat.id);
    await followEnded(ctx);
    // The call that ended (not a call that replaced it, whose entry stays current) drops its set end.
    const after = before === undefined ? undefined : await deps.registry.get(before.id);
    if (before?.call !== undefined && after?.state === "ended") await deps.autoEnds?.cancel(before.call.id);
    // Recurring occurrences and due planned calls waiting for this chat's call to end (one call per chat) go now.
    const woken = await wakeWaitingOccurrences(deps.callsQueue, ctx.chat.id, deps.clock.now());
    if (woken > 0)
      deps.logger.info({ chatId: ctx.chat.id, woken }, "a call ended; waiting occurrences run now");
  });
  return feature;
}

async function handleCallsCommand(ctx: Context, deps: CallsFeatureDeps): Promise<void> {
  const chat = ctx.chat;
  const msg = ctx.msg;
  if (!chat || !msg) return;
  const reply = (text: string, extra: Parameters<Context["reply"]>[1] = {}) =>
    replyToCommand(ctx, text, extra);
  if (chat.type === "channel" || msg.sender_chat !== undefined || !ctx.from) {
    await reply(
      "I cannot tell who you are when you post as the chat. Send me /calls in a private chat instead.",
    );
    return;
  }
  const viewer = ctx.from;
  let scope: ViewScope;
  if (chat.type === "private") {
    scope = { kind: "private", userId: viewer.id };
  } else {
    const rights = await deps.authorise({ chatId: chat.id, userId: viewer.id, rtmp: false });
    if (!rights.ok) {
      await reply(
        rights.reason === "not-admin"
          ? `Only the owner of «${chat.title}» or its admins with the "Manage video chats" right can see and manage its calls.`
          : describeRefusal(rights.reason, { chat: chat.title, botUsername: ctx.me.username }),
      );
      return;
    }
    scope = { kind: "chat", chatId: chat.id, chatTitle: chat.title };
  }
  const rendered = await renderView(
    scope,
    { timeZone: deps.timeZoneFor(viewer.id), now: deps.clock.now() },
    { ...deps, api: ctx.api },
  );
  const sent = await reply(rendered.text, { reply_markup: rendered.keyboard });
  // Without buttons nothing can redraw the message later, so there is nothing to remember.
  if (rendered.keyboard.inline_keyboard.flat().length === 0) return;
  await saveView(
    deps.redis,
    deps.registry,
    { chatId: sent.chat.id, messageId: sent.message_id },
    { scope, viewerId: viewer.id },
  );
}
