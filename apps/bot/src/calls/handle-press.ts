import { type CallAction, type CallActionRequest, callActionVersion } from "@callbot/shared";
import type { Context } from "grammy";
import type { Logger } from "pino";
import { ASSISTANT_OFFLINE_ALERT } from "../assistant/assistant-offline.ts";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { Clock } from "../clock.ts";
import type { CallPrompts } from "../prompts/call-prompts.ts";
import type { RecordingDestinations } from "../recordings/recording-destinations.ts";
import { readPress } from "../telegram/read-press.ts";
import { type CallsViewDeps, readView, renderView } from "./calls-view.ts";
import { cancelQueuedRequest } from "./cancel-queued-request.ts";
import { callIn } from "./in-call-commands.ts";
import {
  IN_CALL_PENDING_TEXT,
  IN_CALL_PRESS_ACTIONS,
  inCallRequestFields,
  isInCallPress,
  queuesAction,
  RECORDING_KINDS,
  recordMenu,
} from "./in-call-presses.ts";
import { decodePress, type PressCode } from "./press-data.ts";
import { actionJobId, addCallAction, addedName } from "./queue-call-action.ts";

export interface PressDeps extends CallsViewDeps {
  /** Where a chat's recordings go: a stop carries it to the worker. */
  recordingDestinations: RecordingDestinations;
  clock: Clock;
  logger: Logger;
  timeZoneFor: (userId: number) => string;
  /** 👥 Invite asks whom to invite (features/call-prompts.ts takes the answer). */
  prompts: CallPrompts;
}

/** Seconds in which a second press of the same button on the same entry is dropped outright. */
const PRESS_CLAIM_SECONDS = 5;

const PENDING_TEXT: Record<"start" | "end" | "invite" | "rtmp-key", string> = {
  start: "Starting…",
  end: "Ending…",
  invite: "Getting the invite link…",
  "rtmp-key": "Getting the stream key…",
};

/**
 * A /calls button. Rights are checked afresh with Telegram (the list may be old), the action is
 * queued under an idempotency key, and the press is answered at once; the worker's result
 * redraws the message later. Every refusal is an alert on the button and queues nothing.
 */
export async function handlePress(ctx: Context, deps: PressDeps): Promise<void> {
  const read = await readPress(ctx, decodePress);
  if (!read) return;
  const { query, message, press, alert } = read;
  const entry = await deps.registry.get(press.entryId);
  const isPrivate = message.chat.type === "private";
  // An entry shown in a group's list acts only on that group's calls, whoever presses.
  if (!entry || (!isPrivate && entry.chatId !== message.chat.id)) {
    await alert("This call is no longer in my list. Send /calls again for the current one.");
    return;
  }
  const stale = staleReason(entry, press.code);
  if (stale) {
    await ctx.answerCallbackQuery({ text: stale });
    return;
  }
  if (press.code === "rtmp-key" && !isPrivate) {
    await alert("The stream key is only given in a private chat with me: send me /calls there.");
    return;
  }
  // The button is drawn only for livestreams, but callback data can be forged.
  if (press.code === "rtmp-key" && !entry.rtmp) {
    await alert("This call is not a livestream, so it has no stream key.");
    return;
  }

  // The stream key is the livestream's: only the chat's owner (who alone may create one) gets it.
  const rights = await deps.authorise(
    { chatId: entry.chatId, userId: query.from.id, rtmp: press.code === "rtmp-key" },
    { fresh: true },
  );
  if (!rights.ok) {
    deps.logger.info(
      { entryId: entry.id, userId: query.from.id, reason: rights.reason },
      "/calls press refused",
    );
    await alert(
      rights.reason === "bot-not-in-chat"
        ? `I can no longer see the members of «${entry.chatTitle}», so I cannot check your rights there. Add me back as an admin.`
        : rights.reason === "bot-needs-admin"
          ? `I need to be an admin of «${entry.chatTitle}» to check your rights there. Make me an admin, then press again.`
          : rights.reason === "livestream-needs-owner"
            ? `Only the owner of «${entry.chatTitle}» gets its stream key, as only the owner can run a livestream there.`
            : press.code === "speaker-link"
              ? `Only the owner of «${entry.chatTitle}» or its admins with the "Manage video chats" right get the speaker link: whoever holds it may speak in the call.`
              : `Only the owner of «${entry.chatTitle}» or its admins with the "Manage video chats" right can do this. Nothing was changed.`,
    );
    return;
  }

  // The record choice and the invite question only change what the presser sees: nothing is queued.
  if (press.code === "record" || press.code === "back") {
    if (press.code === "record")
      await ctx.editMessageReplyMarkup({ reply_markup: recordMenu(entry) }).catch(() => undefined);
    else await redrawPressedView(ctx, deps, "");
    await ctx.answerCallbackQuery(press.code === "record" ? { text: "Record audio or video?" } : {});
    return;
  }
  if (press.code === "invite-users") {
    await ctx.answerCallbackQuery();
    await deps.prompts.ask(ctx.api, { chatId: message.chat.id, replyTo: message.message_id }, query.from, {
      kind: "invite",
      subject: entry.id,
      question: `whom should I invite to ${callIn(entry, entry.chatTitle)}? Reply to this message with their @usernames (up to 50), or reply to someone's message with /invite. /cancel leaves it as it is.`,
    });
    return;
  }

  const claimed = await deps.redis.set(
    deps.registry.keys.press(press.code === "cancel" ? "end" : press.code, entry.id),
    String(query.from.id),
    "EX",
    PRESS_CLAIM_SECONDS,
    "NX",
  );
  if (claimed !== "OK") {
    await ctx.answerCallbackQuery({ text: "Already on it…" });
    return;
  }

  if (press.code === "cancel" && entry.state === "queued") {
    const outcome = await cancelQueuedRequest(entry, { ...deps, api: ctx.api, by: query.from });
    await ctx.answerCallbackQuery({
      text: outcome === "cancelled" ? "Cancelled." : "Too late to cancel: the request is already being run.",
      show_alert: outcome !== "cancelled",
    });
    if (outcome === "cancelled")
      await redrawPressedView(ctx, deps, `🚫 Cancelled the request for «${entry.chatTitle}».`);
    return;
  }

  const inCall = isInCallPress(press.code) && queuesAction(press.code) ? press.code : undefined;
  const action: CallAction = inCall
    ? IN_CALL_PRESS_ACTIONS[inCall]
    : press.code === "start"
      ? "start"
      : press.code === "invite"
        ? "invite-link"
        : press.code === "rtmp-key"
          ? "rtmp-credentials"
          : "end";
  if (entry.call === undefined) {
    await alert(
      "I do not know this call's Telegram id (it was set up in Telegram directly). Manage it there.",
    );
    return;
  }
  const request: CallActionRequest = {
    v: callActionVersion(action),
    kind: "call-action",
    // An in-call control can rightly be pressed again later (record, stop, record again): each
    // press is its own request, or its result would share the first one's result id and be
    // dropped as a repeat. The press claim above still makes a double tap one job.
    requestId: inCall ? actionJobId(action, entry.id, query.id) : actionJobId(action, entry.id),
    action,
    origin: "user",
    requester: { userId: query.from.id, chatId: message.chat.id },
    ack: { chatId: message.chat.id, messageId: message.message_id },
    target: {
      chatId: entry.chatId,
      title: entry.chatTitle,
      ...(entry.chatUsername !== undefined && { username: entry.chatUsername }),
    },
    call: entry.call,
    ...inCallRequestFields(action, entry, {
      ...(inCall === "record-audio" || inCall === "record-landscape" || inCall === "record-portrait"
        ? { recording: RECORDING_KINDS[inCall] }
        : {}),
      ...((action === "record-stop" || (action === "end" && entry.recording)) && {
        forwardTo: await deps.recordingDestinations.get(entry.chatId),
      }),
    }),
    timeZone: deps.timeZoneFor(query.from.id),
    requestedAt: deps.clock.now(),
  };
  const added = await addCallAction(deps.callsQueue, request, deps.redis, {
    api: ctx.api,
    logger: deps.logger,
    now: () => deps.clock.now(),
  });
  deps.logger.info({ requestId: request.requestId, action, added: addedName(added) }, "/calls action queued");
  if (typeof added === "object" || added === "assistant-offline") {
    await ctx.answerCallbackQuery({
      text: typeof added === "object" ? added.alert : ASSISTANT_OFFLINE_ALERT,
      show_alert: true,
    });
    return;
  }
  await ctx.answerCallbackQuery({
    text:
      added === "in-progress"
        ? "Already on it…"
        : press.code === "cancel"
          ? "Cancelling…"
          : inCall
            ? IN_CALL_PENDING_TEXT[inCall]
            : PENDING_TEXT[press.code as keyof typeof PENDING_TEXT],
  });
}

/** Why a button no longer fits the entry (the list is older than the call's news), or undefined. */
function staleReason(entry: CallEntry, code: PressCode): string | undefined {
  if (entry.state === "ended") return "This call has already ended.";
  if (entry.state === "failed") return "This call was never created.";
  if (code === "start" && entry.state === "live") return "This call is already live.";
  if (code === "cancel" && entry.state === "live") return "This call is already live: use End.";
  if (code !== "cancel" && entry.state === "queued")
    return "This call is not created yet; try again in a moment.";
  if (isInCallPress(code) && entry.state !== "live")
    return "This call is not live: recording, muting, speaker links and invitations work once it has started.";
  return undefined;
}

/** Redraws the pressed /calls message with a headline, when the bot still knows what it showed. */
export async function redrawPressedView(ctx: Context, deps: PressDeps, headline: string): Promise<void> {
  const message = ctx.callbackQuery?.message;
  if (!message) return;
  const ref = { chatId: message.chat.id, messageId: message.message_id };
  const view = await readView(deps.redis, deps.registry, ref);
  if (!view) return;
  const rendered = await renderView(
    view.scope,
    { timeZone: deps.timeZoneFor(view.viewerId), now: deps.clock.now(), headline },
    { ...deps, api: ctx.api },
  );
  await ctx.api
    .editMessageText(ref.chatId, ref.messageId, rendered.text, { reply_markup: rendered.keyboard })
    .catch((error: unknown) => deps.logger.warn({ err: error }, "could not redraw a /calls message"));
}
