import type { CallRef, CallSnapshot } from "@callbot/shared";
import { Api } from "telegram";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { type ActOnCall, inputCallOf } from "./act-on-chat-call.ts";
import { readCallSnapshot } from "./read-call-snapshot.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

/**
 * The controls of a live call (issue 15): record, mute new participants, the speaker link,
 * resetting the links. Each is one Telegram request; the rules and errors are in the sandbox's
 * fidelity ledger (packages/sandbox/README.md, group calls).
 */
export type InCallControl =
  /** phone.toggleGroupCallRecord start; the file lands in the assistant's Saved Messages when stopped. */
  | { kind: "record-start"; title?: string; video: boolean; portrait: boolean }
  | { kind: "record-stop" }
  /** phone.toggleGroupCallSettings join_muted. */
  | { kind: "mute-new-participants"; muted: boolean }
  /** phone.exportGroupCallInvite can_self_unmute: whoever holds it may speak; deliver privately. */
  | { kind: "speaker-link" }
  /** phone.toggleGroupCallSettings reset_invite_hash: every link handed out before stops working. */
  | { kind: "reset-links" };

export type InCallControlOutcome =
  | { status: "done"; call?: CallSnapshot; speakerLink?: string }
  /** What was asked is already true (Telegram answered GROUPCALL_NOT_MODIFIED). */
  | { status: "skipped"; reason: "already-recording" | "not-recording" | "already-set" };

/**
 * Runs one control; refusals other than "already so" are thrown for the usual error handling.
 * `onCall` names the call (actOnChatCall: the chat's own reference if Telegram refuses the
 * request's); without it, the request's reference alone.
 */
export async function runInCallControl(
  invoke: InvokeTelegram,
  call: CallRef,
  control: InCallControl,
  onCall: ActOnCall = (request) => request(inputCallOf(call)),
): Promise<InCallControlOutcome> {
  const changed = (updates: Api.TypeUpdates): InCallControlOutcome => {
    const snapshot = readCallSnapshot(updates, call.id);
    return { status: "done", ...(snapshot ? { call: snapshot } : {}) };
  };
  switch (control.kind) {
    case "record-start":
      return unlessAlready("already-recording", async () =>
        changed(
          await onCall((input) =>
            invoke(
              new Api.phone.ToggleGroupCallRecord({
                call: input,
                start: true,
                ...(control.title ? { title: control.title } : {}),
                // video and video_portrait share flags.2: the orientation goes only with video,
                // and must go with it (gramjs would write a request Telegram cannot read).
                ...(control.video ? { video: true, videoPortrait: control.portrait } : {}),
              }),
            ),
          ),
        ),
      );
    case "record-stop":
      return unlessAlready("not-recording", async () =>
        changed(
          await onCall((input) => invoke(new Api.phone.ToggleGroupCallRecord({ call: input, start: false }))),
        ),
      );
    case "mute-new-participants":
      return unlessAlready("already-set", async () =>
        changed(
          await onCall((input) =>
            invoke(new Api.phone.ToggleGroupCallSettings({ call: input, joinMuted: control.muted })),
          ),
        ),
      );
    case "speaker-link": {
      const exported = await onCall((input) =>
        invoke(new Api.phone.ExportGroupCallInvite({ call: input, canSelfUnmute: true })),
      );
      return { status: "done", speakerLink: exported.link };
    }
    case "reset-links":
      return changed(
        await onCall((input) =>
          invoke(new Api.phone.ToggleGroupCallSettings({ call: input, resetInviteHash: true })),
        ),
      );
  }
}

/** GROUPCALL_NOT_MODIFIED means the call already is as asked (TDLib takes it as success too). */
async function unlessAlready(
  reason: Extract<InCallControlOutcome, { status: "skipped" }>["reason"],
  run: () => Promise<InCallControlOutcome>,
): Promise<InCallControlOutcome> {
  try {
    return await run();
  } catch (error) {
    if (readTelegramFailure(error).errorName === "GROUPCALL_NOT_MODIFIED")
      return { status: "skipped", reason };
    throw error;
  }
}
