import type { CallAction, CallActionRequest, Invitee } from "@callbot/shared";
import type { Context } from "grammy";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { RecordingDestinations } from "../recordings/recording-destinations.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import {
  INVITE_HOW,
  inCallRequestFields,
  RECORDING_KINDS,
  type RecordingKind,
  recordMenu,
} from "./in-call-presses.ts";
import { parseInvitees } from "./parse-invitees.ts";
import { type ChatCommandDeps, claimCommand, queueChatAction } from "./rename-and-rotate.ts";
import { type ManagedChat, resolveManagedChat } from "./resolve-managed-chat.ts";

export interface InCallCommandDeps extends ChatCommandDeps {
  recordingDestinations: RecordingDestinations;
}

/** The in-call commands, each also a /calls button on a live call. */
export type InCallCommand = "record" | "stoprecord" | "mutenew" | "speakerlink" | "resetlinks" | "invite";

const USAGE: Record<InCallCommand, string> = {
  record: [
    "Record the live call of a chat: /record audio, /record video (landscape) or /record portrait; /record alone asks.",
    "In a private chat with me, name the chat first: /record @yourgroup video",
  ].join("\n"),
  stoprecord:
    "Stop recording the live call: /stoprecord in the group, or /stoprecord @yourgroup in a private chat with me.",
  mutenew: [
    "Mute people who join the live call: /mutenew; let them speak again: /mutenew off.",
    "In a private chat with me: /mutenew @yourgroup (or /mutenew @yourgroup off).",
  ].join("\n"),
  speakerlink:
    "Get the live call's speaker link (whoever opens it may speak), sent to you privately: /speakerlink in the group, or /speakerlink @yourgroup in a private chat with me.",
  resetlinks:
    "Make every invite and speaker link of the live call stop working: /resetlinks in the group, or /resetlinks @yourgroup in a private chat with me.",
  invite: INVITE_HOW,
};

const RECORD_WORDS: Record<string, RecordingKind> = {
  audio: RECORDING_KINDS["record-audio"],
  video: RECORDING_KINDS["record-landscape"],
  landscape: RECORDING_KINDS["record-landscape"],
  portrait: RECORDING_KINDS["record-portrait"],
};

/**
 * /record, /stoprecord, /mutenew, /speakerlink, /resetlinks, /invite: the chat is resolved and
 * the sender's rights checked as for /rename (in a group the group itself; in the private chat
 * the first word names it), the chat's call must be live, and the action is queued with the
 * bot's answer as the message the result edits.
 */
export async function handleInCallCommand(
  ctx: Context,
  command: InCallCommand,
  deps: InCallCommandDeps,
): Promise<void> {
  const resolved = await resolveManagedChat(
    ctx,
    ctx.match?.toString() ?? "",
    {
      ownerOnly: false,
      chatCacheSeconds: deps.chatCacheSeconds,
      usage: USAGE[command],
      refusal: (reason, title) => {
        if (reason !== "not-admin" && reason !== "admin-without-video-chat-right") return undefined;
        return command === "speakerlink"
          ? `Only the owner of «${title}» or its admins with the "Manage video chats" right get the speaker link: whoever holds it may speak in the call. I sent nothing.`
          : `Only the owner of «${title}» or its admins with the "Manage video chats" right can control its calls. Nothing was changed.`;
      },
    },
    deps,
  );
  if (!resolved.ok) return void (await replyToCommand(ctx, resolved.reply));
  const live = await liveCall(resolved, deps);
  if (!live.ok) return void (await replyToCommand(ctx, live.reply));
  const { entry } = live;
  const words = resolved.rest.toLowerCase().split(/\s+/).filter(Boolean);
  const where = callIn(entry, resolved.chat.title);

  let action: CallAction;
  let pending: string;
  const extra: Pick<CallActionRequest, "recording" | "forwardTo" | "invitees"> = {};
  switch (command) {
    case "record": {
      const kind = words[0] === undefined ? undefined : RECORD_WORDS[words[0]];
      if (words[0] === undefined) {
        await replyToCommand(ctx, `⏺ Record ${where}: audio only, or video?`, {
          reply_markup: recordMenu(entry),
        });
        return;
      }
      if (!kind) return void (await replyToCommand(ctx, USAGE.record));
      action = "record-start";
      extra.recording = kind;
      pending = `⏳ Starting to record ${where}…`;
      break;
    }
    case "stoprecord": {
      action = "record-stop";
      const forwardTo = await deps.recordingDestinations.get(resolved.chat.chatId);
      if (forwardTo) extra.forwardTo = forwardTo;
      pending = `⏳ Stopping the recording of ${where}…`;
      break;
    }
    case "mutenew": {
      const off = words[0] === "off";
      if (words[0] !== undefined && !off && words[0] !== "on")
        return void (await replyToCommand(ctx, USAGE.mutenew));
      action = off ? "unmute-new-participants" : "mute-new-participants";
      pending = off ? `⏳ Letting people who join ${where} speak…` : `⏳ Muting people who join ${where}…`;
      break;
    }
    case "speakerlink":
      action = "speaker-link";
      pending = `⏳ Getting the speaker link of ${where}; I will send it to you privately…`;
      break;
    case "resetlinks":
      action = "reset-links";
      pending = `⏳ Resetting the links of ${where}…`;
      break;
    case "invite": {
      const parsed = parseInvitees(resolved.rest, ctx.msg?.reply_to_message, resolved.chat.chatId, ctx.me.id);
      if (!parsed.ok) return void (await replyToCommand(ctx, parsed.reply ?? INVITE_HOW));
      extra.invitees = parsed.invitees;
      action = "invite-users";
      pending = invitingText(parsed.invitees, where);
      break;
    }
  }

  if (!(await claimCommand(ctx, deps, action))) return;
  const ack = await replyToCommand(ctx, pending);
  await queueChatAction(ctx, deps, {
    action,
    chat: resolved.chat,
    call: live.call,
    ...inCallRequestFields(action, entry, extra),
    ...(extra.invitees && { invitees: extra.invitees }),
    ack: { chatId: ack.chat.id, messageId: ack.message_id },
  });
}

/** “Weekly” in «Team» (or "the call in «Team»"), as the answers name a call. */
export function callIn(entry: Pick<CallEntry, "title">, chatTitle: string): string {
  return `${entry.title === undefined ? "the call" : `“${entry.title}”`} in «${chatTitle}»`;
}

/** The answer while invitations are on their way; the worker's report replaces it. */
export function invitingText(invitees: readonly Invitee[], where: string): string {
  return `⏳ Inviting ${invitees.length === 1 ? invitees[0]?.label : `${invitees.length} people`} to ${where}…`;
}

/** The chat's live call as the registry knows it, or why there is nothing to act on. */
async function liveCall(
  resolved: Extract<ManagedChat, { ok: true }>,
  deps: InCallCommandDeps,
): Promise<
  { ok: true; entry: CallEntry; call: NonNullable<CallEntry["call"]> } | { ok: false; reply: string }
> {
  const current = await deps.registry.current(resolved.chat.chatId);
  if (current?.state !== "live") {
    return {
      ok: false,
      reply: current
        ? `The call in «${resolved.chat.title}» has not started yet: these controls work once it is live. See /calls.`
        : `«${resolved.chat.title}» has no live call that I know of. See /calls.`,
    };
  }
  if (!current.call) {
    return {
      ok: false,
      reply: `The call in «${resolved.chat.title}» was set up in Telegram directly, so I do not know its id. Use Telegram's own controls for it.`,
    };
  }
  return { ok: true, entry: current, call: current.call };
}
