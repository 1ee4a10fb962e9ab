import { Keyboard } from "grammy";
import type { ChatAdministratorRights } from "grammy/types";

/** request_id of the two picker buttons; chat_shared carries it back. */
export const PICK_GROUP_REQUEST_ID = 1;
export const PICK_CHANNEL_REQUEST_ID = 2;
export const PICKER_REQUEST_IDS: readonly number[] = [PICK_GROUP_REQUEST_ID, PICK_CHANNEL_REQUEST_ID];

/** Only "Manage video chats" is required; false means "not required" (ChatAdministratorRights). */
const MANAGE_VIDEO_CHATS: ChatAdministratorRights = {
  is_anonymous: false,
  can_manage_chat: false,
  can_delete_messages: false,
  can_manage_video_chats: true,
  can_restrict_members: false,
  can_promote_members: false,
  can_change_info: false,
  can_invite_users: false,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
  can_send_welcome_messages: false,
};

/**
 * Telegram's own chat picker (KeyboardButtonRequestChat): it lists only groups or channels where
 * the user may manage video chats and the bot is a member. A hint for the user, not a check: the
 * bot still authorises the chat it gets back.
 */
export function chatPickerKeyboard(): Keyboard {
  const wanted = { user_administrator_rights: MANAGE_VIDEO_CHATS, bot_is_member: true };
  return new Keyboard()
    .requestChat("Pick a group", PICK_GROUP_REQUEST_ID, { chat_is_channel: false, ...wanted })
    .requestChat("Pick a channel", PICK_CHANNEL_REQUEST_ID, { chat_is_channel: true, ...wanted })
    .oneTime()
    .resized();
}
