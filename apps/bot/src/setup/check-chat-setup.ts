import type { Api } from "grammy";
import type { ChatMember } from "grammy/types";
import { isUserNotFound } from "../telegram/bot-api-errors.ts";

/**
 * The bot's admin rights that set-up needs, by their deep-link names (tdesktop's
 * ParseRequestedAdminRights; core.telegram.org/api/links "Bot links"): invite_users to make the
 * assistant an invite link, promote_members and manage_video_chats to hand it that right
 * (Telegram lets an admin grant only rights it holds), restrict_members only to lift a ban.
 */
export type BotRight = "invite_users" | "promote_members" | "manage_video_chats" | "restrict_members";

export interface AssistantFacts {
  userId: number;
  /** "@callbot_assistant" or a description. */
  name: string;
  status: "absent" | "banned" | "member" | "admin" | "owner";
  canManageVideoChats: boolean;
  anonymous: boolean;
}

export interface SetupReport {
  chat: { id: number; title: string; type: "group" | "supergroup" | "channel"; username?: string };
  bot: { isAdmin: boolean; missing: BotRight[] };
  /** Undefined while no worker has ever said which account it is. */
  assistant: AssistantFacts | undefined;
}

/** Every check passed: calls can be created in this chat. */
export function isReady(report: SetupReport): boolean {
  const a = report.assistant;
  return (
    a !== undefined &&
    (a.status === "owner" || (a.status === "admin" && a.canManageVideoChats)) &&
    !a.anonymous
  );
}

/**
 * Looks at a chat the way set-up needs: the bot's own rights and the assistant's membership,
 * rights and anonymity. Two getChatMember requests, never cached: /setup is rare and must show
 * the chat as it is now (a right given a second ago counts).
 */
export async function checkChatSetup(
  api: Api,
  chat: SetupReport["chat"],
  ids: { botId: number; assistant: { userId: number; name: string } | undefined },
): Promise<SetupReport> {
  const me = await api.getChatMember(chat.id, ids.botId);
  const bot = botFacts(me, chat.type);
  if (!ids.assistant) return { chat, bot, assistant: undefined };
  let member: ChatMember | undefined;
  try {
    member = await api.getChatMember(chat.id, ids.assistant.userId);
  } catch (error) {
    if (!isUserNotFound(error)) throw error;
  }
  return { chat, bot, assistant: { ...ids.assistant, ...assistantFacts(member) } };
}

function botFacts(me: ChatMember, chatType: SetupReport["chat"]["type"]): SetupReport["bot"] {
  if (me.status === "creator") return { isAdmin: true, missing: [] };
  if (me.status !== "administrator") {
    return { isAdmin: false, missing: ["invite_users", "promote_members", "manage_video_chats"] };
  }
  const missing: BotRight[] = [];
  if (!me.can_invite_users) missing.push("invite_users");
  if (!me.can_promote_members) missing.push("promote_members");
  if (!me.can_manage_video_chats) missing.push("manage_video_chats");
  // Channels' admins can always restrict (TDLib chatAdministratorRights).
  if (!me.can_restrict_members && chatType !== "channel") missing.push("restrict_members");
  return { isAdmin: true, missing };
}

function assistantFacts(member: ChatMember | undefined): Omit<AssistantFacts, "userId" | "name"> {
  switch (member?.status) {
    case "creator":
      return { status: "owner", canManageVideoChats: true, anonymous: member.is_anonymous };
    case "administrator":
      return {
        status: "admin",
        canManageVideoChats: member.can_manage_video_chats,
        anonymous: member.is_anonymous,
      };
    case "member":
      return { status: "member", canManageVideoChats: false, anonymous: false };
    case "restricted":
      return {
        status: member.is_member ? "member" : "absent",
        canManageVideoChats: false,
        anonymous: false,
      };
    case "kicked":
      return { status: "banned", canManageVideoChats: false, anonymous: false };
    default:
      return { status: "absent", canManageVideoChats: false, anonymous: false };
  }
}

/** The rights a fix needs from the bot, among those it lacks. */
export function missingFor(report: SetupReport, fix: "add" | "promote" | "unban"): BotRight[] {
  const needs: Record<typeof fix, BotRight[]> = {
    add: ["invite_users"],
    promote: ["promote_members", "manage_video_chats"],
    unban: ["restrict_members"],
  };
  return report.bot.missing.filter((right) => needs[fix].includes(right));
}
