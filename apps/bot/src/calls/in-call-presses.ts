import type { CallAction, CallActionRequest, TargetChat } from "@callbot/shared";
import { InlineKeyboard } from "grammy";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import { encodePress } from "./press-data.ts";

/** The /calls buttons of a live call's in-call controls (issue 15). */
export type InCallPressCode =
  /** Opens the choice of audio or video (portrait or landscape). */
  | "record"
  | "record-audio"
  | "record-landscape"
  | "record-portrait"
  | "record-stop"
  | "mute-new"
  | "unmute-new"
  | "speaker-link"
  | "reset-links"
  /** Asks whom to invite: the answer is typed (features/call-prompts.ts). */
  | "invite-users"
  /** Leaves the record choice: the list again. */
  | "back";

const IN_CALL_CODES: ReadonlySet<string> = new Set<InCallPressCode>([
  "record",
  "record-audio",
  "record-landscape",
  "record-portrait",
  "record-stop",
  "mute-new",
  "unmute-new",
  "speaker-link",
  "reset-links",
  "invite-users",
  "back",
]);

export function isInCallPress(code: string): code is InCallPressCode {
  return IN_CALL_CODES.has(code);
}

/** The presses that queue a call action, with the action. */
export const IN_CALL_PRESS_ACTIONS = {
  "record-audio": "record-start",
  "record-landscape": "record-start",
  "record-portrait": "record-start",
  "record-stop": "record-stop",
  "mute-new": "mute-new-participants",
  "unmute-new": "unmute-new-participants",
  "speaker-link": "speaker-link",
  "reset-links": "reset-links",
} as const satisfies Partial<Record<InCallPressCode, CallAction>>;

export type InCallActionPress = keyof typeof IN_CALL_PRESS_ACTIONS;

export function queuesAction(code: InCallPressCode): code is InCallActionPress {
  return Object.hasOwn(IN_CALL_PRESS_ACTIONS, code);
}

/** The answer on the button while the worker is on it. */
export const IN_CALL_PENDING_TEXT: Record<InCallActionPress, string> = {
  "record-audio": "Starting to record (audio)…",
  "record-landscape": "Starting to record (video, landscape)…",
  "record-portrait": "Starting to record (video, portrait)…",
  "record-stop": "Stopping the recording…",
  "mute-new": "Muting new participants…",
  "unmute-new": "Letting new participants speak…",
  "speaker-link": "Getting the speaker link; I will send it to you privately…",
  "reset-links": "Resetting the links…",
};

/** How to invite, for a bare /invite. */
export const INVITE_HOW = [
  "Invite people to the call by name: send /invite @username @another in the chat (up to 50),",
  "or reply to someone's message with /invite. In a private chat with me: /invite @yourgroup @username.",
].join(" ");

export type RecordingKind = NonNullable<CallActionRequest["recording"]>;

export const RECORDING_KINDS: Record<"record-audio" | "record-landscape" | "record-portrait", RecordingKind> =
  {
    "record-audio": { video: false, portrait: false },
    "record-landscape": { video: true, portrait: false },
    "record-portrait": { video: true, portrait: true },
  };

/**
 * The in-call rows of a live call in /calls: what to record or stop, who may speak on joining,
 * the speaker link (sent privately) and resetting links (public chats only), inviting. Each label starts with the
 * entry's number, as the list's other buttons do.
 */
export function inCallButtonRows(entry: CallEntry): Array<Array<{ label: string; code: InCallPressCode }>> {
  return [
    [
      entry.recording
        ? { label: "⏹ Stop recording", code: "record-stop" }
        : { label: "⏺ Record", code: "record" },
      entry.joinMuted
        ? { label: "🔊 Let new participants speak", code: "unmute-new" }
        : { label: "🔇 Mute new participants", code: "mute-new" },
    ],
    [
      // Telegram makes call links only for public chats (PUBLIC_CHANNEL_MISSING otherwise).
      ...(entry.chatUsername !== undefined
        ? [
            { label: "🎙 Speaker link", code: "speaker-link" as const },
            { label: "♻️ Reset links", code: "reset-links" as const },
          ]
        : []),
      { label: "👥 Invite", code: "invite-users" },
    ],
  ];
}

/** The record choice, shown in place of the list's buttons until one is pressed. */
export function recordMenu(entry: CallEntry): InlineKeyboard {
  return new InlineKeyboard()
    .text("🎧 Audio only", encodePress("record-audio", entry.id))
    .row()
    .text("🖥 Video, landscape", encodePress("record-landscape", entry.id))
    .text("📱 Video, portrait", encodePress("record-portrait", entry.id))
    .row()
    .text("↩️ Back", encodePress("back", entry.id));
}

/**
 * The fields an in-call action's request carries beyond the common ones: a recording's kind and
 * title (the call's, which names the file), and, on stopping (or ending the call while it
 * records), the chat the file is forwarded to.
 */
export function inCallRequestFields(
  action: CallAction,
  entry: Pick<CallEntry, "title" | "recording">,
  extra: { recording?: RecordingKind; forwardTo?: TargetChat | undefined },
): Pick<CallActionRequest, "title" | "recording" | "forwardTo"> {
  const title = entry.title !== undefined ? { title: entry.title } : {};
  if (action === "record-start") return { ...title, ...(extra.recording && { recording: extra.recording }) };
  if (action === "record-stop") return { ...title, ...(extra.forwardTo && { forwardTo: extra.forwardTo }) };
  // Ending a call that records stops the recording too: its file is forwarded the same way.
  if (action === "end" && entry.recording)
    return { ...title, ...(extra.forwardTo && { forwardTo: extra.forwardTo }) };
  return {};
}
