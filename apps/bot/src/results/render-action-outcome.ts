import { type CallActionResult, formatWait, isAutomaticAction } from "@callbot/shared";
import { describeCallFailure } from "./describe-call-failure.ts";
import { renderInCallOutcome, renderInCallSkip } from "./render-in-call-outcome.ts";

export interface RenderedActionOutcome {
  /** The line for the requester (a /calls headline, or the whole text of the command's answer); undefined: say nothing. */
  text: string | undefined;
  /** Stream settings or a speaker link, for the requester's private chat only. */
  privateText?: string;
  /** What privateText holds, for "I could not send you …" when the private chat is closed. */
  privateWhat?: string;
}

export interface ActionRenderContext {
  /** The call's title as the registry knows it. */
  callTitle: string | undefined;
  /**
   * The call was never live: ending it is a cancellation. Read from the entry's start stamp, not
   * its state: Telegram's video_chat_ended may have reached the registry before this result.
   */
  neverStarted: boolean;
  userbotName: string | undefined;
}

/** What the requester reads about a call action (plain text). RTMP keys only ever in `privateText`. */
export function renderActionOutcome(
  result: CallActionResult,
  ctx: ActionRenderContext,
): RenderedActionOutcome {
  const { request, outcome } = result;
  // A forwarded recording's target is where it went; the call was in the chat it was recorded in.
  const chat = `«${(request.recordedIn ?? request.target).title}»`;
  // A forwarded recording names no call: its request carries the call's title.
  const known = ctx.callTitle ?? (request.action === "forward-recording" ? request.title : undefined);
  const title = outcome.status === "done" ? (outcome.call?.title ?? known) : known;
  const call = title === undefined ? "The call" : `“${title}”`;
  const automatic = isAutomaticAction(request);
  switch (outcome.status) {
    case "done":
      switch (request.action) {
        case "start":
          return {
            text: automatic
              ? `▶️ ${call} started automatically in ${chat}.`
              : `▶️ ${call} is live now in ${chat}.`,
          };
        case "end":
          return {
            text: ctx.neverStarted
              ? `✖️ ${call} in ${chat} was cancelled.`
              : automatic
                ? `⏹ ${call} in ${chat} has ended at its set end.`
                : `⏹ ${call} in ${chat} has ended.`,
          };
        case "rename":
          return {
            text: `✏️ The call in ${chat} is now called “${outcome.call?.title ?? request.title ?? ""}”.`,
          };
        case "invite-link":
          return {
            text: outcome.inviteLink
              ? `🔗 Invite link for ${call} in ${chat}: ${outcome.inviteLink}`
              : `🔗 ${chat} has no invite link for calls (only public chats do).`,
          };
        case "rtmp-credentials":
        case "rotate-rtmp-key": {
          const rotated = request.action === "rotate-rtmp-key";
          const credentials = outcome.rtmpCredentials;
          if (!credentials) return { text: `❌ Telegram gave no stream settings for ${chat}.` };
          return {
            privateWhat: "the stream settings",
            text: rotated
              ? `🔑 The stream key of ${chat} was replaced; the old key no longer works.`
              : `🔑 Stream settings for ${chat}:`,
            privateText: [
              `🔑 ${rotated ? "New stream" : "Stream"} settings for ${chat}. Keep the key secret: anyone who has it can stream to your chat.`,
              `Server URL: ${credentials.url}`,
              `Stream key: ${credentials.key}`,
              "In OBS: Settings → Stream → Service: Custom…, then paste both.",
            ].join("\n"),
          };
        }
        default:
          return renderInCallOutcome(result, { call, chat });
      }
    case "skipped":
      // An auto-start or auto-end finding the call already started or ended by hand is the expected quiet case.
      if (automatic) return { text: undefined };
      if (outcome.reason !== "already-ended" && outcome.reason !== "already-started")
        return { text: renderInCallSkip(request.action, outcome.reason, { call, chat }) };
      return {
        text:
          outcome.reason === "already-ended"
            ? `Nothing to do: ${call} in ${chat} has already ended.`
            : `Nothing to do: ${call} in ${chat} is already live.`,
      };
    case "failed": {
      const description = describeCallFailure(outcome.failure, request.target, ctx.userbotName);
      return {
        text: `❌ I could not ${VERB[request.action]} ${call === "The call" ? "the call" : call} in ${chat}.\n${description.userMessage}`,
      };
    }
    case "delayed":
      return {
        text: `⏳ Telegram asked the assistant to wait ${formatWait(outcome.delaySeconds)} (${outcome.delaySeconds} s); I will ${VERB[request.action]} ${call === "The call" ? "the call" : call} then.`,
      };
  }
}

const VERB: Record<CallActionResult["request"]["action"], string> = {
  start: "start",
  end: "end",
  rename: "rename",
  "invite-link": "get the invite link of",
  "rtmp-credentials": "get the stream settings of",
  "rotate-rtmp-key": "rotate the stream key of",
  "record-start": "start recording",
  "record-stop": "stop recording",
  "mute-new-participants": "mute new participants of",
  "unmute-new-participants": "let new participants speak in",
  "speaker-link": "get the speaker link of",
  "reset-links": "reset the links of",
  "invite-users": "invite people to",
  "forward-recording": "forward the recording of",
};
