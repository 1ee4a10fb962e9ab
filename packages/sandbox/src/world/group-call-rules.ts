import { type MemberRole, TelegramRpcError, type WorldChat } from "./types.ts";
import type { WorldSettings } from "./world-settings.ts";

/** TDLib's MAX_TITLE_LENGTH for group calls, a server-side limit. */
export const MAX_CALL_TITLE_LENGTH = 64;
/** schedule_date must be at least 10 seconds and at most 8 days ahead (core.telegram.org, TDLib). */
export const MIN_SCHEDULE_AHEAD_SECONDS = 10;
export const MAX_SCHEDULE_AHEAD_SECONDS = 8 * 24 * 60 * 60;

/** Owners and admins holding manage_call (= can_manage_video_chats) may run a chat's calls. */
export function canManageCalls(role: MemberRole | undefined): boolean {
  if (!role) return false;
  return role.status === "owner" || (role.status === "admin" && role.rights.manageCall === true);
}

export function isPresentMember(role: MemberRole | undefined): boolean {
  return (
    role?.status === "owner" ||
    role?.status === "admin" ||
    role?.status === "member" ||
    role?.status === "restricted"
  );
}

/**
 * The checks createGroupCall (and the other call-managing methods) make on the account, in the
 * order Telegram appears to make them: can the account see the chat, is it banned, does it hold
 * the right.
 */
export function assertMayManageCalls(chat: WorldChat, role: MemberRole | undefined): void {
  // ASSUMPTION: a deactivated (upgraded) basic group takes no calls; CHAT_ID_INVALID is the name
  // Telegram documents for an unusable chat id (core.telegram.org/method/messages.getFullChat).
  if (chat.migratedTo !== undefined) throw new TelegramRpcError(400, "CHAT_ID_INVALID");
  if (role?.status === "banned") throw new TelegramRpcError(400, "USER_BANNED_IN_CHANNEL");
  if (!isPresentMember(role)) {
    // A private chat is invisible to non-members; a public one is visible but grants no rights.
    throw new TelegramRpcError(400, chat.username ? "CHAT_ADMIN_REQUIRED" : "CHANNEL_PRIVATE");
  }
  if (!canManageCalls(role)) throw new TelegramRpcError(400, "CHAT_ADMIN_REQUIRED");
}

/**
 * The title a call gets: undefined for none (an empty title means the chat's name), the title
 * itself when it fits, and for one over 64 characters what `overlong` says (an ASSUMPTION, see
 * WorldSettings.overlongCallTitle): cut to 64 characters, or 400 TITLE_INVALID. Characters are
 * code points, as TDLib's utf8_truncate counts them.
 */
export function callTitleWithinLimit(
  title: string | undefined,
  overlong: WorldSettings["overlongCallTitle"],
): string | undefined {
  if (title === undefined || title === "") return undefined;
  const characters = [...title];
  if (characters.length <= MAX_CALL_TITLE_LENGTH) return title;
  if (overlong === "reject") throw new TelegramRpcError(400, "TITLE_INVALID");
  return characters.slice(0, MAX_CALL_TITLE_LENGTH).join("");
}

export function assertValidScheduleDate(scheduleDate: number | undefined, nowMs: number): void {
  if (scheduleDate === undefined) return;
  const nowSeconds = Math.floor(nowMs / 1000);
  if (
    scheduleDate < nowSeconds + MIN_SCHEDULE_AHEAD_SECONDS ||
    scheduleDate > nowSeconds + MAX_SCHEDULE_AHEAD_SECONDS
  ) {
    throw new TelegramRpcError(400, "SCHEDULE_DATE_INVALID");
  }
}
