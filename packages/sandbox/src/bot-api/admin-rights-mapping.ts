import type { AdminRights } from "../world/types.ts";

/**
 * Bot API admin right names and their MTProto chatAdminRights twins. One table, so a right read
 * through getChatMember is always the one createGroupCall checks (can_manage_video_chats = manage_call).
 */
export const BOT_API_RIGHTS: ReadonlyArray<readonly [botApiName: string, right: keyof AdminRights]> = [
  ["is_anonymous", "anonymous"],
  ["can_manage_chat", "other"],
  ["can_change_info", "changeInfo"],
  ["can_post_messages", "postMessages"],
  ["can_edit_messages", "editMessages"],
  ["can_delete_messages", "deleteMessages"],
  ["can_restrict_members", "banUsers"],
  ["can_invite_users", "inviteUsers"],
  ["can_pin_messages", "pinMessages"],
  ["can_promote_members", "addAdmins"],
  ["can_manage_video_chats", "manageCall"],
];

/** Rights that only exist in channels (post/edit) or only in groups (pin), as the Bot API shows them. */
const CHANNEL_ONLY = new Set(["can_post_messages", "can_edit_messages"]);
const GROUP_ONLY = new Set(["can_pin_messages"]);

export function rightsToBotApi(rights: AdminRights, chatType: "group" | "supergroup" | "channel") {
  const out: Record<string, boolean> = {};
  for (const [name, right] of BOT_API_RIGHTS) {
    if (chatType === "channel" ? GROUP_ONLY.has(name) : CHANNEL_ONLY.has(name)) continue;
    out[name] = rights[right] === true;
  }
  // Telegram grants these with any admin role; the sandbox does not model stories.
  out.can_manage_chat = true;
  out.can_post_stories = false;
  out.can_edit_stories = false;
  out.can_delete_stories = false;
  return out;
}

/** Reads promoteChatMember's booleans; absent ones count as false, as in Telegram. */
export function rightsFromBotApi(read: (name: string) => boolean | undefined): AdminRights {
  const rights: AdminRights = {};
  for (const [name, right] of BOT_API_RIGHTS) rights[right] = read(name) === true;
  return rights;
}
