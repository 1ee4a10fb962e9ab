import type { ErrorCategory } from "../contract/call-result.ts";
import { formatWait } from "./format-wait.ts";

/** What a message about an error may mention. Everything is optional: messages fall back to plain words. */
export interface TelegramErrorContext {
  /** The chat's title, shown as «Title». */
  chatTitle?: string;
  /** The chat's public username, with or without "@". */
  chatUsername?: string;
  /** The assistant (userbot) account, like "@callbot_assistant". */
  userbotName?: string;
  /** Seconds to wait, for FLOOD_WAIT and SLOWMODE_WAIT. */
  retryAfter?: number;
  /** The request was for an RTMP livestream, which Telegram lets only a chat's owner create. */
  livestream?: boolean;
}

/** The words a message builder uses, with the fall-backs already applied. */
export interface MessageWords {
  /** «Chat title», @username, or "the chat". */
  chat: string;
  /** "the assistant account @callbot_assistant" or "the assistant account": to introduce it. */
  assistant: string;
  /** "@callbot_assistant" or "the assistant account": to name it again. */
  userbot: string;
  /** "in 5 minutes" or "in a while". */
  waitFor: string;
  retryAfter: number | undefined;
  livestream: boolean;
}

export interface TelegramErrorEntry {
  category: ErrorCategory;
  /** One line for the operator (logs, alerts): what Telegram means by it. */
  meaning: string;
  /** The message for the user who asked: what happened and what to do, in plain words. */
  userMessage: (words: MessageWords) => string;
}

const TELL_OPERATOR = "Please tell the bot's operator.";
const SESSION_DEAD = ({ assistant }: MessageWords) =>
  `${capitalise(assistant)} cannot act right now: its Telegram login stopped working. Nothing was done. The bot's operator has to log the assistant in again; try again after that.`;

/**
 * Every error a user of callbot can meet (see shared/brief/telegram-group-calls.md, "Errors a
 * user of this product can meet"), plus callbot's own names for failures that are not Telegram's
 * answer. Categories decide what the worker does: "retry" and "flood" may run again, "user" and
 * "permanent" report at once, "session" stops the worker and alerts the operator.
 */
const CHAT_UNKNOWN = ({ assistant, userbot, chat }: MessageWords) =>
  `${capitalise(assistant)} does not know ${chat}. Add ${userbot} to ${chat} as an admin with the right “Manage video chats”, then send the command again.`;

export const TELEGRAM_ERROR_CATALOGUE = {
  // Rights and peers.
  CHAT_ADMIN_REQUIRED: {
    category: "user",
    meaning: "the account lacks the admin right this needs (manage_call for video chats)",
    userMessage: ({ assistant, userbot, chat, livestream }) =>
      livestream
        ? // Telegram lets only the chat's owner create an RTMP livestream (createGroupCall, rtmp_stream).
          `Telegram lets only the owner of ${chat} start a livestream, and ${userbot} is not its owner. Send the command without "rtmp" for a video chat, or run callbot's assistant on the account that owns ${chat}.`
        : `${capitalise(assistant)} is not allowed to start video chats in ${chat}. Make ${userbot} an admin of ${chat} with the right “Manage video chats”, then send the command again.`,
  },
  CHANNEL_PRIVATE: {
    category: "user",
    meaning: "the account is not a member of the chat, or was removed from it",
    userMessage: ({ assistant, userbot, chat }) =>
      `${capitalise(assistant)} cannot see ${chat}: it is not a member, or it was removed. Add ${userbot} to ${chat} as an admin with the right “Manage video chats”, then send the command again.`,
  },
  PEER_ID_INVALID: {
    category: "user",
    meaning: "the account does not know this chat (never met it, or the id is wrong)",
    userMessage: CHAT_UNKNOWN,
  },
  CHAT_ID_INVALID: {
    category: "user",
    // messages.getFullChat's answer for a basic group the account is not in (read before a create).
    meaning: "the account does not know this basic group (never met it, or the id is wrong)",
    userMessage: CHAT_UNKNOWN,
  },
  CHANNEL_INVALID: {
    category: "user",
    meaning: "the channel or supergroup does not exist or the account cannot access it",
    userMessage: ({ assistant, userbot, chat }) =>
      `${capitalise(assistant)} cannot reach ${chat}: Telegram says the chat is not valid for it. Check that ${chat} still exists and that ${userbot} is a member, then send the command again.`,
  },
  USER_BANNED_IN_CHANNEL: {
    category: "user",
    meaning:
      "the account is banned or restricted in this chat, or limited by Telegram in supergroups and channels",
    userMessage: ({ assistant, userbot, chat }) =>
      `${capitalise(assistant)} is banned or restricted in ${chat}. Lift the ban or restrictions on ${userbot} in ${chat}, then send the command again. If it is not restricted there, Telegram itself has limited the account: ${TELL_OPERATOR}`,
  },
  CHAT_WRITE_FORBIDDEN: {
    category: "user",
    meaning: "the account may not post in the chat (not a member, or restricted)",
    userMessage: ({ assistant, userbot, chat }) =>
      `${capitalise(assistant)} may not post in ${chat}. Add ${userbot} to ${chat} (in a channel, as an admin who may post messages), then try again.`,
  },
  GROUPCALL_ANONYMOUS_FORBIDDEN: {
    category: "user",
    // tdesktop calls_group_call.cpp GroupCall::start, Telegram-iOS GroupCalls.swift.
    meaning: "the account is an anonymous admin of the chat, and anonymous admins may not start calls",
    userMessage: ({ userbot, chat }) =>
      `${capitalise(userbot)} is an anonymous admin of ${chat}, and Telegram does not let anonymous admins start video chats. Turn off “Remain anonymous” for ${userbot} in the admin settings of ${chat}, then send the command again.`,
  },
  ANONYMOUS_CALLS_DISABLED: {
    category: "user",
    meaning: "the chat does not allow taking part in video chats anonymously (as the chat)",
    userMessage: ({ userbot, chat }) =>
      `${capitalise(chat)} does not allow taking part in video chats anonymously. Turn off “Remain anonymous” for ${userbot} in the admin settings of ${chat}, then send the command again.`,
  },

  // Joining a chat (/setup's "Add the assistant": messages.importChatInvite, channels.joinChannel).
  INVITE_HASH_EXPIRED: {
    category: "user",
    meaning: "the invite link expired or was used up before the assistant joined",
    userMessage: ({ assistant }) =>
      `The invite link for ${lowerFirst(assistant)} expired before it could join. Tap “Add the assistant” again.`,
  },
  INVITE_HASH_INVALID: {
    category: "user",
    meaning: "the invite link was revoked or never existed",
    userMessage: ({ assistant }) =>
      `The invite link for ${lowerFirst(assistant)} no longer works (it was revoked). Tap “Add the assistant” again.`,
  },
  INVITE_LINK_MISSING: {
    category: "user",
    meaning: "the bot's invite link for the join was gone from Redis (expired while the job waited)",
    userMessage: ({ assistant }) =>
      `The invite link for ${lowerFirst(assistant)} expired while the request waited. Tap “Add the assistant” again.`,
  },
  INVITE_REQUEST_SENT: {
    category: "user",
    meaning: "the chat approves new members: a join request was sent instead",
    userMessage: ({ chat, userbot }) =>
      `${capitalise(chat)} approves new members by hand: ${userbot} asked to join. Approve its request in the chat's member requests, then tap Check again.`,
  },
  CHANNELS_TOO_MUCH: {
    category: "user",
    meaning: "the account is in too many chats to join another",
    userMessage: ({ assistant }) =>
      `${capitalise(assistant)} is in too many chats to join another. Have it leave chats it no longer serves, then try again.`,
  },
  USER_CHANNELS_TOO_MUCH: {
    category: "user",
    meaning: "the account is in too many chats to join another",
    userMessage: ({ assistant }) =>
      `${capitalise(assistant)} is in too many chats to join another. Have it leave chats it no longer serves, then try again.`,
  },
  // Scheduling.
  SCHEDULE_DATE_INVALID: {
    category: "user",
    meaning: "schedule_date must be at least 10 seconds and at most 8 days ahead",
    userMessage: () =>
      "Telegram does not accept that start time. A video chat can be scheduled for a time in the future, at most 8 days ahead. Send the command again with a time in that range.",
  },
  SCHEDULE_DATE_TOO_LATE: {
    category: "user",
    meaning: "schedule_date is too far in the future (more than 8 days ahead)",
    userMessage: () =>
      "That start time is too far ahead: Telegram schedules video chats at most 8 days in advance. Send the command again with an earlier time.",
  },

  // Call state.
  CREATE_CALL_FAILED: {
    category: "retry",
    meaning: "Telegram failed to create the call on its side",
    userMessage: ({ chat }) =>
      `Telegram could not create the video chat in ${chat} just now. Try again in a few minutes.`,
  },
  GROUPCALL_ALREADY_DISCARDED: {
    category: "permanent",
    meaning: "the group call has already ended",
    userMessage: ({ chat }) =>
      `That video chat in ${chat} has already ended. Send the command again to start a new one.`,
  },
  GROUPCALL_ALREADY_STARTED: {
    category: "permanent",
    // phone.startScheduledGroupCall on a call that is live already. Never a create's answer:
    // a create in a chat with a call ends that call (core.telegram.org/api/group-calls), so the
    // worker reads the chat's call first and asks before replacing it.
    meaning: "the group call has already started",
    userMessage: ({ chat }) =>
      `The video chat in ${chat} has already started. Telegram allows one per chat; join that one, or end it (see /calls) before creating a new one.`,
  },
  GROUPCALL_FORBIDDEN: {
    category: "user",
    meaning: "the account may not manage this group call (it ended, or rights were taken away)",
    userMessage: ({ assistant, userbot, chat }) =>
      `${capitalise(assistant)} may not manage the video chat in ${chat}: the video chat may have ended, or ${userbot} lost its right “Manage video chats”. Check the right, then send the command again.`,
  },
  GROUPCALL_INVALID: {
    category: "permanent",
    meaning: "the group call does not exist (ended or never existed)",
    userMessage: ({ chat }) =>
      `That video chat in ${chat} no longer exists; it may have ended. Send the command again to start a new one.`,
  },
  GROUPCALL_NOT_MODIFIED: {
    category: "permanent",
    meaning: "the change asked for is already in place",
    userMessage: ({ chat }) => `Nothing to change: the video chat in ${chat} already has that setting.`,
  },
  PUBLIC_CHANNEL_MISSING: {
    category: "permanent",
    meaning: "invite links to group calls exist only for public chats",
    userMessage: ({ chat }) =>
      `Telegram makes invite links to video chats only for public chats, and ${chat} is private. Members can join from the chat itself.`,
  },

  // Rate limits.
  FLOOD_WAIT: {
    category: "flood",
    meaning: "Telegram asks the account to wait before this request (FLOOD_WAIT_X)",
    userMessage: ({ assistant, waitFor }) =>
      `Telegram asked ${assistant} to slow down. Send the command again ${waitFor}.`,
  },
  SLOWMODE_WAIT: {
    category: "flood",
    meaning: "slow mode in the chat: the account must wait before acting again (SLOWMODE_WAIT_X)",
    userMessage: ({ chat, waitFor }) =>
      `Slow mode is on in ${chat}, so the assistant account has to wait. Send the command again ${waitFor}, or turn slow mode off.`,
  },

  // The userbot's own session.
  AUTH_KEY_DUPLICATED: {
    category: "session",
    meaning: "the same session is used by two processes at once; Telegram invalidated it",
    userMessage: SESSION_DEAD,
  },
  AUTH_KEY_UNREGISTERED: {
    category: "session",
    meaning: "the session is not logged in (logged out, or never completed)",
    userMessage: SESSION_DEAD,
  },
  SESSION_REVOKED: {
    category: "session",
    meaning: "the session was ended from another device or by logging out",
    userMessage: SESSION_DEAD,
  },
  SESSION_EXPIRED: {
    category: "session",
    meaning: "the session expired",
    userMessage: SESSION_DEAD,
  },
  USER_DEACTIVATED: {
    category: "session",
    meaning: "the assistant account was deleted or deactivated",
    userMessage: ({ assistant }) =>
      `${capitalise(assistant)} has been deleted or deactivated, so nothing was created. The bot's operator has to set up a new assistant account.`,
  },
  USER_DEACTIVATED_BAN: {
    category: "session",
    meaning: "the assistant account was banned by Telegram",
    userMessage: ({ assistant }) =>
      `Telegram has banned ${assistant}, so nothing was created. The bot's operator has to set up a new assistant account.`,
  },

  // callbot's own names: failures that are not an answer from Telegram.
  SESSION_DIED_AFTER_CREATE: {
    category: "session",
    meaning:
      "the session died while the request ran, after createGroupCall was sent: Telegram may have made the call",
    userMessage: ({ assistant, chat }) =>
      `${capitalise(assistant)} lost its Telegram login while it was creating this video chat, so it could not confirm it. Telegram may have created it: look in ${chat} before you ask again. The bot's operator has to log the assistant in again.`,
  },
  TIMEOUT: {
    category: "retry",
    meaning: "Telegram did not answer in time",
    userMessage: ({ chat }) =>
      `Telegram did not answer in time, so callbot cannot tell whether the video chat was created. Look in ${chat}; if there is no video chat, send the command again.`,
  },
  STALLED: {
    category: "retry",
    meaning: "the worker died twice while running this job; BullMQ gave it up",
    userMessage: ({ chat }) =>
      `Your request was interrupted twice while it ran, so callbot gave it up. Look in ${chat}; if there is no video chat, send the command again. If this keeps happening, ${lowerFirst(TELL_OPERATOR)}`,
  },
  NETWORK: {
    category: "retry",
    meaning: "the worker could not reach Telegram (connection refused, reset or dropped)",
    userMessage: () => "The assistant account could not reach Telegram. Try again in a few minutes.",
  },
  INTERNAL: {
    category: "retry",
    meaning: "Telegram answered with an internal server error (5xx)",
    userMessage: () => "Telegram had an internal problem. Try again in a few minutes.",
  },
  REQUESTER_RIGHTS_REVOKED: {
    category: "user",
    meaning: "the requester lost the owner or video-chat admin right while the request waited",
    userMessage: ({ chat }) =>
      `You are no longer the owner of ${chat} or its admin with the right “Manage video chats”, so the request was not carried out. Ask the chat's owner for that right, then send the command again.`,
  },
  RTMP_OWNER_ONLY: {
    category: "user",
    meaning: "a livestream was requested by someone who is not (or no longer) the chat's owner",
    userMessage: ({ chat }) =>
      `Only the owner of ${chat} can start a livestream. Ask the owner to send the command, or send it without "rtmp" for a video chat.`,
  },
  RTMP_KEY_OWNER_ONLY: {
    category: "user",
    meaning: "a stream key rotation was requested by someone who is not (or no longer) the chat's owner",
    userMessage: ({ chat }) =>
      `Only the owner of ${chat} can replace the livestream's key. Ask the owner to do it; admins with the right “Manage video chats” can still see the current key.`,
  },
  RTMP_ROTATION_UNCONFIRMED: {
    category: "retry",
    meaning:
      "a stream key revocation was sent but its answer was lost, and the key Telegram hands out has not changed (yet)",
    userMessage: ({ chat }) =>
      `Telegram did not confirm the new livestream key for ${chat}, so callbot cannot tell whether the old key was replaced. Send /rotatekey again to get a key that works.`,
  },
  INVALID_CALL_ACTION: {
    category: "permanent",
    meaning: "a call-action job lacked what its action needs (the call, or a title to rename to)",
    userMessage: () =>
      `Callbot could not carry out that action: the request was incomplete. ${TELL_OPERATOR}`,
  },
  RECORDING_NOT_DELIVERED: {
    category: "retry",
    meaning: "a stopped recording has not appeared in the assistant's Saved Messages (yet)",
    userMessage: ({ userbot }) =>
      `Telegram has not delivered the recording to the Saved Messages of ${userbot}, so I could not forward it. When it appears there, forward it by hand from that account.`,
  },
  SCHEDULE_TOO_SOON_AT_RUN: {
    category: "user",
    meaning: "the schedule date came too close or passed while the job waited in the queue",
    userMessage: () =>
      "The start time you asked for came too close while your request waited in the queue, so the video chat was not scheduled. Send the command again with a later time, or without a time to start now.",
  },
  NO_CALL_IN_UPDATES: {
    category: "permanent",
    meaning: "phone.createGroupCall answered without an updateGroupCall",
    userMessage: ({ chat }) =>
      `Telegram accepted the request but did not confirm a video chat. Look in ${chat}; if there is no video chat, send the command again.`,
  },
  UNKNOWN: {
    category: "permanent",
    meaning: "an error callbot does not know",
    userMessage: () => `Something went wrong that callbot does not know about. ${TELL_OPERATOR}`,
  },
} as const satisfies Record<string, TelegramErrorEntry>;

export type KnownTelegramErrorName = keyof typeof TELEGRAM_ERROR_CATALOGUE;

/** An error name Telegram sent that is not in the catalogue still gets a message naming it. */
export function unknownErrorMessage(name: string): string {
  return `Telegram refused with ${name}. ${TELL_OPERATOR}`;
}

export function waitPhrase(retryAfter: number | undefined): string {
  return retryAfter === undefined || retryAfter <= 0 ? "in a while" : `in ${formatWait(retryAfter)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
