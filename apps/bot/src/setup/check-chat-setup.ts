import type { AssistantRights } from "@callbot/shared";
import type { Api } from "grammy";
import type { ChatMember } from "grammy/types";
import { rightsOfMember } from "../assistant/assistant-for-chat.ts";
import type { KnownAssistant } from "../assistant/known-assistants.ts";
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
  /**
   * Every assistant account checked (knownAssistants): the one account, or with several online
   * each of them. Empty while no worker has ever said which account it is.
   */
  assistants: AssistantFacts[];
}

/** Whether this account may create calls in the chat: its owner, or an admin with "Manage video chats". */
export function mayCreateCalls(assistant: AssistantFacts): boolean {
  return assistant.status === "owner" || (assistant.status === "admin" && assistant.canManageVideoChats);
}

/** Every check passed: some assistant account can create calls in this chat, as itself. */
export function isReady(report: SetupReport): boolean {
  return report.assistants.some((a) => mayCreateCalls(a) && !a.anonymous);
}

/** What one getChatMember answer about an assistant is learnt as, for routing (assistant-rights.ts). */
export type LearntRights = (facts: Array<{ accountId: number; rights: AssistantRights }>) => Promise<void>;

/**
 * Looks at a chat the way set-up needs: the bot's own rights and each assistant's membership,
 * rights and anonymity. One getChatMember request per account, never cached: /setup is rare and
 * must show the chat as it is now (a right given a second ago counts). What it finds is handed to
 * `learnt`, the rights knowledge routing reads: an account just made an admin takes the next
 * /newcall, one that lost the right takes none, without waiting for that knowledge to expire.
 */
export async function checkChatSetup(
  api: Api,
  chat: SetupReport["chat"],
  ids: { botId: number; assistants: readonly KnownAssistant[]; learnt?: LearntRights },
): Promise<SetupReport> {
  const me = await api.getChatMember(chat.id, ids.botId);
  const bot = botFacts(me, chat.type);
  const members = await Promise.all(
    ids.assistants.map(async (assistant) => {
      try {
        return await api.getChatMember(chat.id, assistant.userId);
      } catch (error) {
        if (!isUserNotFound(error)) throw error;
        return undefined;
      }
    }),
  );
  await ids.learnt?.(
    ids.assistants.map((assistant, i) => {
      const member = members[i];
      return { accountId: assistant.userId, rights: member ? rightsOfMember(member) : "none" };
    }),
  );
  const assistants = ids.assistants.map((assistant, i) => ({ ...assistant, ...assistantFacts(members[i]) }));
  return { chat, bot, assistants };
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
