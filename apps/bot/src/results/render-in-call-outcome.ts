import type { CallAction, CallActionResult, InviteResult } from "@callbot/shared";
import type { RenderedActionOutcome } from "./render-action-outcome.ts";

/** How the action's call and chat are named: “Title” (or "The call") and «Chat». */
interface Names {
  call: string;
  chat: string;
}

/** What the requester reads when an in-call control was carried out. Speaker links only ever in `privateText`. */
export function renderInCallOutcome(result: CallActionResult, { call, chat }: Names): RenderedActionOutcome {
  const { request, outcome } = result;
  if (outcome.status !== "done") return { text: undefined };
  switch (request.action) {
    case "record-start": {
      const kind = !request.recording?.video
        ? "audio only"
        : request.recording.portrait
          ? "video, portrait"
          : "video, landscape";
      return {
        text: `⏺ Recording ${call} in ${chat} (${kind}). Stop it with ⏹ Stop recording in /calls, or /stoprecord.`,
      };
    }
    case "record-stop":
      return {
        text: [
          `⏹ Stopped recording ${call} in ${chat}. Telegram puts the file in the assistant's Saved Messages;`,
          request.forwardTo
            ? `I will forward it to «${request.forwardTo.title}» when it arrives.`
            : "to have it forwarded to a chat of yours, see /recordings.",
        ].join(" "),
      };
    case "mute-new-participants":
      return { text: `🔇 People who join ${call} in ${chat} are muted now; admins can let them speak.` };
    case "unmute-new-participants":
      return { text: `🔊 People who join ${call} in ${chat} may speak now.` };
    case "speaker-link":
      return outcome.speakerLink
        ? {
            text: `🎙 The speaker link for ${call} in ${chat} is in our private chat.`,
            privateWhat: "the speaker link",
            privateText: [
              `🎙 Speaker link for ${call} in ${chat}:`,
              outcome.speakerLink,
              "Whoever opens it joins able to speak, without asking: share it only with your speakers. ♻️ Reset links (or /resetlinks) makes it stop working.",
            ].join("\n"),
          }
        : { text: `❌ Telegram gave no speaker link for ${call} in ${chat}.` };
    case "reset-links":
      return {
        text: `♻️ The links of ${call} in ${chat} were reset: invite and speaker links handed out before no longer work.`,
      };
    case "invite-users":
      return { text: describeInvites(outcome.invites ?? [], { call, chat }) };
    case "forward-recording":
      return {
        text: outcome.forwarded
          ? `📼 The recording of ${call} in ${chat} is now in «${outcome.forwarded.to.title}».`
          : `📼 The recording of ${call} in ${chat} was forwarded.`,
      };
    default:
      return { text: undefined };
  }
}

/** "Nothing to do" for an in-call control whose effect was already in place. */
export function renderInCallSkip(
  action: CallAction,
  reason: "already-recording" | "not-recording" | "already-set",
  { call, chat }: Names,
): string {
  if (reason === "already-recording") return `Nothing to do: ${call} in ${chat} is already being recorded.`;
  if (reason === "not-recording") return `Nothing to do: ${call} in ${chat} is not being recorded.`;
  return action === "unmute-new-participants"
    ? `Nothing to do: people who join ${call} in ${chat} may already speak.`
    : `Nothing to do: people who join ${call} in ${chat} are already muted.`;
}

const INVITE_WORDS: Record<InviteResult["outcome"], string> = {
  invited: "✅ invited",
  "already-invited": "☑️ already invited to this call",
  "not-member": "❌ not a member of the chat, and Telegram invites only members",
  "left-out": "❌ Telegram did not invite them (their privacy settings, or they are not a member)",
  "not-found": "❌ no Telegram user has that username",
  refused: "❌ Telegram refused",
};

/** One line per invitee, in the order asked. */
function describeInvites(invites: readonly InviteResult[], { call, chat }: Names): string {
  const invited = invites.filter((invite) => invite.outcome === "invited").length;
  return [
    `👥 Invitations to ${call} in ${chat}: ${invited} of ${invites.length} invited.`,
    ...invites.map((invite) => `${invite.label}: ${INVITE_WORDS[invite.outcome]}`),
  ].join("\n");
}
