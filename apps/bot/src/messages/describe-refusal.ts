import { ASSISTANT_OFFLINE_TEXT } from "../assistant/assistant-offline.ts";
import type { AuthorisationResult } from "../auth/authorise-requester.ts";
import type { ResolveTargetResult } from "../targets/resolve-target-chat.ts";

type Refusal =
  | Extract<AuthorisationResult, { ok: false }>["reason"]
  | Extract<ResolveTargetResult, { ok: false }>["reason"]
  | "anonymous-admin"
  | "channel-post"
  | "cooldown"
  | "rate-limited"
  | "could-not-queue"
  | "assistant-offline";

/**
 * Plain-text refusals for /newcall: each says why and what to do instead. `chat` is the chat's
 * title or how the user named it; `botUsername` is this bot, for "add me" instructions.
 */
export function describeRefusal(refusal: Refusal, ctx: { chat: string; botUsername: string }): string {
  const { chat, botUsername } = ctx;
  switch (refusal) {
    case "not-found":
      return `I cannot find the chat ${chat}. If it is private, add me to it first (chat info → Add members → @${botUsername}) and use its -100… id, or simply send /newcall in the group itself.`;
    case "bot-not-in-chat":
      return `I am not a member of ${chat}, so I cannot check who may create calls there. Add me: open the chat → Add members (for a channel: Administrators → Add admin) → @${botUsername}. Then send the command again.`;
    case "bot-needs-admin":
      return `I need to be an admin of ${chat} to check who may create calls there: Telegram shows members' rights only to admins. Make me an admin (chat info → Administrators → Add admin → @${botUsername}; no rights need to be turned on), then send the command again.`;
    case "not-a-group":
      return `${chat} is a person, not a group or channel. Name a group or channel: @username, t.me link or -100… id.`;
    case "not-admin":
      return `Only the owner of ${chat} or its admins with the "Manage video chats" right can create calls there. Ask one of them, or ask the owner to give you that right.`;
    case "admin-without-video-chat-right":
      return `You are an admin of ${chat}, but without the "Manage video chats" right. Ask the owner to turn it on for you (chat info → Administrators → your name → Manage video chats).`;
    case "livestream-needs-owner":
      return `Only the owner of ${chat} can start a livestream (a Telegram rule). Ask the owner, or leave out "rtmp" to create a video chat.`;
    case "anonymous-admin":
      return `You are posting anonymously as the group, so I cannot tell who you are. Turn off "Remain anonymous" for yourself (Administrators → your name), or send me the command in a private chat: /newcall ${chat} [title] [time].`;
    case "channel-post":
      return `I cannot see who posts in a channel. Send me the command in a private chat instead: /newcall @${chat.replace(/^@/, "")} [title] [time] [rtmp].`;
    case "cooldown":
      return `A request for ${chat} is already being handled. Please wait a few seconds for its answer before sending another.`;
    case "rate-limited":
      return "You are sending /newcall too often. Please wait a minute, then try again.";
    case "assistant-offline":
      return ASSISTANT_OFFLINE_TEXT;
    case "could-not-queue":
      return "⚠️ Sorry, I could not queue this request: my job store is not reachable right now. Nothing was queued; please try again in a minute.";
  }
}
