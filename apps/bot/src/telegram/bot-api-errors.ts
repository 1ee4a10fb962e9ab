import { GrammyError } from "grammy";

/*
 * Bot API answers the bot must treat as facts rather than failures. Telegram gives no stable
 * codes for these, only descriptions (core.telegram.org/api/errors lists them by text), so
 * they are matched by text in one place.
 */

function described(error: unknown, pattern: RegExp): boolean {
  return error instanceof GrammyError && pattern.test(error.description);
}

/** Editing a message to the text it already has: the edit is already done. */
export function isMessageNotModified(error: unknown): boolean {
  return described(error, /message is not modified/i);
}

/** The message to edit is gone (deleted by someone): send a new message instead. */
export function isMessageToEditGone(error: unknown): boolean {
  return described(error, /message to edit not found|MESSAGE_ID_INVALID|message can't be edited/i);
}

/** The chat does not exist, or the bot cannot see it. */
export function isChatNotFound(error: unknown): boolean {
  return described(error, /chat not found|PEER_ID_INVALID|CHANNEL_INVALID|CHANNEL_PRIVATE/i);
}

/** The bot was never added to the chat, was removed, or lacks the admin rights to look at members. */
export function isBotNotInChat(error: unknown): boolean {
  return described(
    error,
    /bot is not a member|bot was kicked|member list is inaccessible|CHAT_ADMIN_REQUIRED|not enough rights/i,
  );
}

/**
 * The bot is in the chat but not an admin, and Telegram will not show it other members' rights:
 * getChatMember "is only guaranteed to work for other users if the bot is an administrator"
 * (core.telegram.org/bots/api#getchatmember); refused as CHAT_ADMIN_REQUIRED (teloxide#1349).
 */
export function isBotNotAdmin(error: unknown): boolean {
  return described(error, /CHAT_ADMIN_REQUIRED|member list is inaccessible/i);
}

/** The user is not in the chat (getChatMember for someone who never joined). */
export function isUserNotFound(error: unknown): boolean {
  return described(error, /user not found|PARTICIPANT_ID_INVALID|USER_ID_INVALID/i);
}

/** A private message cannot reach this user: they never pressed Start, or blocked the bot. */
export function isPrivateChatClosed(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    (error.error_code === 403 || /chat not found|can't initiate conversation/i.test(error.description))
  );
}

/** "group chat was upgraded to a supergroup chat": the supergroup's id Telegram names, if that is the answer. */
export function migratedTo(error: unknown): number | undefined {
  return error instanceof GrammyError ? error.parameters.migrate_to_chat_id : undefined;
}
