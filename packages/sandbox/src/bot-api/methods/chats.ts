import { hashOfInviteLink, inviteLinkUrl, type WorldInviteLink } from "../../world/invite-links.ts";
import type { WorldChat } from "../../world/types.ts";
import type { World } from "../../world/world.ts";
import { rightsFromBotApi } from "../admin-rights-mapping.ts";
import type { BotApiMethod } from "../bot-api-context.ts";
import { badRequest } from "../bot-api-error.ts";
import { toBotApiChat, toBotApiChatMember, toBotApiPrivateChat, toBotApiUser } from "../bot-api-shapes.ts";
import { botHas } from "../bot-rights.ts";
import { resolveChatTarget } from "../chat-access.ts";
import type { RequestParams } from "../request-params.ts";

export const getChat: BotApiMethod = ({ world }, { params }) => {
  const target = resolveChatTarget(world, params.chatId());
  if (target.kind === "private") {
    if (!world.hasStartedBot(target.user.id)) throw badRequest("chat not found");
    return { ...toBotApiPrivateChat(target.user), accent_color_id: 0, max_reaction_count: 11 };
  }
  const chat = target.chat;
  const linked = chat.linkedChatId === undefined ? undefined : world.getChat(chat.linkedChatId);
  return {
    ...toBotApiChat(world, chat),
    accent_color_id: 0,
    max_reaction_count: 11,
    ...(linked && { linked_chat_id: world.botApiIdOf(linked) }),
    accepted_gift_types: {
      unlimited_gifts: false,
      limited_gifts: false,
      unique_gifts: false,
      premium_subscription: false,
    },
  };
};

function groupTarget(world: World, params: RequestParams): WorldChat {
  const target = resolveChatTarget(world, params.chatId());
  if (target.kind === "private") throw badRequest("there are no administrators in the private chat");
  return target.chat;
}

export const getChatMember: BotApiMethod = ({ world }, { params }) => {
  const chat = groupTarget(world, params);
  const user = world.getUser(params.int("user_id", "user_id is empty"));
  if (!user) throw badRequest("user not found");
  // "Only guaranteed to work for other users if the bot is an administrator" (Bot API docs).
  const botRole = world.memberRole(chat.id, world.bot.id);
  const botIsAdmin = botRole?.status === "owner" || botRole?.status === "admin";
  if (
    world.settings.nonAdminBotMemberLookup === "refused" &&
    chat.type !== "group" &&
    user.id !== world.bot.id &&
    !botIsAdmin
  ) {
    throw badRequest("CHAT_ADMIN_REQUIRED");
  }
  return toBotApiChatMember(chat, user, world.memberRole(chat.id, user.id));
};

export const getChatAdministrators: BotApiMethod = ({ world }, { params }) => {
  const chat = groupTarget(world, params);
  return [...chat.members].flatMap(([userId, role]) => {
    const user = world.getUser(userId);
    if (!user || (role.status !== "owner" && role.status !== "admin")) return [];
    return [toBotApiChatMember(chat, user, role)];
  });
};

/**
 * Grants or removes admin rights. The bot needs can_promote_members and may only hand out rights
 * it holds itself (Telegram's RIGHT_FORBIDDEN); all rights false demotes to a plain member.
 */
/**
 * Lifts a ban: the user may join again (status "left"). With only_if_banned a member is left
 * alone; without it Telegram removes a current member too (Bot API unbanChatMember). Needs
 * can_restrict_members (TDLib's "not enough rights to restrict/unrestrict chat member").
 */
export const unbanChatMember: BotApiMethod = ({ world }, { params }) => {
  const chat = groupTarget(world, params);
  const userId = params.int("user_id", "user_id is empty");
  if (!world.getUser(userId)) throw badRequest("user not found");
  if (!botHas(world, chat, "banUsers"))
    throw badRequest("not enough rights to restrict/unrestrict chat member");
  const role = world.memberRole(chat.id, userId);
  if (role?.status === "owner") throw badRequest("can't remove chat owner");
  if (role?.status === "banned") world.setRole(chat.id, userId, { status: "left" }, world.bot.id);
  else if (params.optBool("only_if_banned") !== true && world.isMember(chat.id, userId)) {
    if (role?.status === "admin") throw badRequest("user is an administrator of the chat");
    world.setRole(chat.id, userId, { status: "left" }, world.bot.id);
  }
  return true;
};

/** Invite links need can_invite_users (TDLib: "not enough rights to manage chat invite link"). */
export const createChatInviteLink: BotApiMethod = ({ world }, { params }) => {
  const chat = groupTarget(world, params);
  if (!botHas(world, chat, "inviteUsers")) throw badRequest("not enough rights to manage chat invite link");
  const memberLimit = params.optInt("member_limit");
  if (memberLimit !== undefined && (memberLimit < 1 || memberLimit > 99_999))
    throw badRequest("member_limit must be between 1 and 99999");
  const expireDate = params.optInt("expire_date");
  const link = world.createInviteLink(chat.id, world.bot.id, {
    ...(expireDate !== undefined && { expireDate }),
    ...(memberLimit !== undefined && { memberLimit }),
  });
  return toBotApiInviteLink(world, link);
};

export const revokeChatInviteLink: BotApiMethod = ({ world }, { params }) => {
  const chat = groupTarget(world, params);
  if (!botHas(world, chat, "inviteUsers")) throw badRequest("not enough rights to manage chat invite link");
  const hash = hashOfInviteLink(params.optString("invite_link") ?? "");
  const link = hash === undefined ? undefined : world.inviteLinks.byHash(hash);
  if (!link || link.chatId !== chat.id) throw badRequest("INVITE_HASH_EXPIRED");
  link.revoked = true;
  return toBotApiInviteLink(world, link);
};

function toBotApiInviteLink(world: World, link: WorldInviteLink): Record<string, unknown> {
  const creator = world.getUser(link.creatorId);
  return {
    invite_link: inviteLinkUrl(link.hash),
    ...(creator && { creator: toBotApiUser(creator) }),
    creates_join_request: false,
    is_primary: false,
    is_revoked: link.revoked,
    ...(link.expireDate !== undefined && { expire_date: link.expireDate }),
    ...(link.memberLimit !== undefined && { member_limit: link.memberLimit }),
  };
}

export const promoteChatMember: BotApiMethod = ({ world }, { params }) => {
  const chat = groupTarget(world, params);
  const userId = params.int("user_id", "user_id is empty");
  if (!world.getUser(userId)) throw badRequest("user not found");
  const botRole = world.memberRole(chat.id, world.bot.id);
  const botRights = botRole?.status === "admin" ? botRole.rights : undefined;
  if (botRole?.status !== "owner" && botRights?.addAdmins !== true) throw badRequest("not enough rights");
  const current = world.memberRole(chat.id, userId);
  if (current?.status === "owner") throw badRequest("can't promote chat owner");
  if (!world.isMember(chat.id, userId)) throw badRequest("USER_NOT_PARTICIPANT");
  const rights = rightsFromBotApi((name) => params.optBool(name));
  if (botRights) {
    for (const [name, granted] of Object.entries(rights)) {
      if (granted && botRights[name as keyof typeof botRights] !== true) throw badRequest("RIGHT_FORBIDDEN");
    }
  }
  const anyRight = Object.values(rights).some(Boolean);
  world.setRole(chat.id, userId, anyRight ? { status: "admin", rights } : { status: "member" }, world.bot.id);
  return true;
};
