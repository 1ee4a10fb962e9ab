import type { BotRight } from "./check-chat-setup.ts";

/** Each admin right as Telegram's apps label it (chat info → Administrators), for /setup and the doctor. */
export const BOT_RIGHT_NAMES: Record<BotRight, string> = {
  invite_users: "Invite users",
  promote_members: "Add new admins",
  manage_video_chats: "Manage video chats",
  restrict_members: "Ban users",
};
