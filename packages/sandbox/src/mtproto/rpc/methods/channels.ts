import { Api } from "telegram";
import { TelegramRpcError, type WorldChat } from "../../../world/types.ts";
import { assertCanSeeChat, chatFromInputChannel, userFromInputPeer } from "../peers.ts";
import type { MethodHandler, RequestContext } from "../request-context.ts";
import {
  adminRightsToTl,
  chatToTl,
  embed,
  inputGroupCallOf,
  long,
  OWNER_RIGHTS,
  userToTl,
} from "../tl-mappers.ts";
import { updatesWithChat } from "../updates-with-chat.ts";

const MEMBER_SINCE = 1_700_000_000;

function ownerOf(chat: WorldChat): number | undefined {
  return [...chat.members].find(([, role]) => role.status === "owner")?.[0];
}

function fullChannel(ctx: RequestContext, chat: WorldChat): Api.messages.ChatFull {
  const { world, accountId } = ctx;
  assertCanSeeChat(ctx, chat);
  // A scheduled call the server discarded (scheduledCallExpiry) is gone before anyone reads it.
  world.expireScheduledCalls(ctx.now);
  const call = world.currentCall(chat.id);
  const roles = [...chat.members.values()];
  const linked = chat.linkedChatId === undefined ? undefined : world.getChat(chat.linkedChatId);
  const lastId = world.messages(world.botApiIdOf(chat)).at(-1)?.id ?? 0;
  return new Api.messages.ChatFull({
    fullChat: new Api.ChannelFull({
      canViewParticipants: chat.type === "supergroup",
      id: long(chat.id),
      about: "",
      participantsCount: roles.filter((r) => r.status !== "left" && r.status !== "banned").length,
      adminsCount: roles.filter((r) => r.status === "owner" || r.status === "admin").length,
      readInboxMaxId: lastId,
      readOutboxMaxId: lastId,
      unreadCount: 0,
      chatPhoto: new Api.PhotoEmpty({ id: long(0) }),
      notifySettings: new Api.PeerNotifySettings({}),
      botInfo: [],
      ...(linked && { linkedChatId: long(linked.id) }),
      ...(chat.migratedFrom !== undefined && {
        migratedFromChatId: long(chat.migratedFrom),
        migratedFromMaxId: world.messages(-chat.migratedFrom).at(-1)?.id ?? 0,
      }),
      pts: Math.max(1, lastId),
      ...(call && { call: inputGroupCallOf(ctx.world, call, ctx.accountId) }),
    }),
    chats: [chat, ...(linked ? [linked] : [])].map((c) => embed<Api.TypeChat>(chatToTl(world, c, accountId))),
    users: [],
  });
}

function participantOf(ctx: RequestContext, chat: WorldChat, userId: number): Api.TypeChannelParticipant {
  const role = chat.members.get(userId);
  const owner = ownerOf(chat) ?? userId;
  const self = userId === ctx.accountId;
  switch (role?.status) {
    case "owner":
      return new Api.ChannelParticipantCreator({
        userId: long(userId),
        adminRights: adminRightsToTl(OWNER_RIGHTS),
      });
    case "admin":
      return new Api.ChannelParticipantAdmin({
        self,
        canEdit: ctx.world.memberRole(chat.id, ctx.accountId)?.status === "owner",
        userId: long(userId),
        ...(self && { inviterId: long(owner) }),
        promotedBy: long(owner),
        date: MEMBER_SINCE,
        adminRights: adminRightsToTl(role.rights),
      });
    case "member":
      return self
        ? new Api.ChannelParticipantSelf({ userId: long(userId), inviterId: long(owner), date: MEMBER_SINCE })
        : new Api.ChannelParticipant({ userId: long(userId), date: MEMBER_SINCE });
    case "restricted":
      // MTProto shows a restricted member as banned from sending, not from reading (left: false).
      return new Api.ChannelParticipantBanned({
        peer: new Api.PeerUser({ userId: long(userId) }),
        kickedBy: long(owner),
        date: MEMBER_SINCE,
        bannedRights: new Api.ChatBannedRights({ sendMessages: true, untilDate: 0 }),
      });
    case "banned":
      return new Api.ChannelParticipantBanned({
        peer: new Api.PeerUser({ userId: long(userId) }),
        kickedBy: long(owner),
        date: MEMBER_SINCE,
        bannedRights: new Api.ChatBannedRights({ viewMessages: true, untilDate: 0 }),
      });
    default:
      throw new TelegramRpcError(400, "USER_NOT_PARTICIPANT");
  }
}

/** Which members a channels.getParticipants filter lists; unsupported filters list nobody rather than guess. */
function listedBy(filter: Api.TypeChannelParticipantsFilter, status: string): boolean {
  if (filter instanceof Api.ChannelParticipantsAdmins) return status === "owner" || status === "admin";
  if (filter instanceof Api.ChannelParticipantsRecent) return status !== "left" && status !== "banned";
  if (filter instanceof Api.ChannelParticipantsKicked || filter instanceof Api.ChannelParticipantsBanned) {
    return status === "banned";
  }
  return false;
}

/**
 * In a broadcast channel, member lists are for its admins: the admin list too, unless the world
 * says any member may see it (WorldSettings.adminListAccess). core.telegram.org documents the
 * refusal as 403 CHAT_ADMIN_REQUIRED.
 */
function assertMayListParticipants(
  ctx: RequestContext,
  chat: WorldChat,
  filter: Api.TypeChannelParticipantsFilter,
): void {
  if (chat.type !== "channel") return;
  const role = ctx.world.memberRole(chat.id, ctx.accountId);
  if (role?.status === "owner" || role?.status === "admin") return;
  const adminsForAnyone =
    filter instanceof Api.ChannelParticipantsAdmins && ctx.world.settings.adminListAccess === "any-member";
  if (!adminsForAnyone) throw new TelegramRpcError(403, "CHAT_ADMIN_REQUIRED");
}

export const channelsMethods: Record<string, MethodHandler> = {
  // core.telegram.org/method/channels.joinChannel: answers Updates with the chat. Rules in World.joinPublicChat.
  "channels.joinChannel": (ctx, request: Api.channels.JoinChannel) => {
    const chat = chatFromInputChannel(ctx, request.channel);
    return updatesWithChat(ctx, ctx.world.joinPublicChat(ctx.accountId, chat.id));
  },

  "channels.getChannels": (ctx, request: Api.channels.GetChannels) =>
    new Api.messages.Chats({
      chats: request.id.map((input) =>
        embed<Api.TypeChat>(chatToTl(ctx.world, chatFromInputChannel(ctx, input), ctx.accountId)),
      ),
    }),

  "channels.getFullChannel": (ctx, request: Api.channels.GetFullChannel) =>
    fullChannel(ctx, chatFromInputChannel(ctx, request.channel)),

  "channels.getParticipant": (ctx, request: Api.channels.GetParticipant) => {
    const chat = chatFromInputChannel(ctx, request.channel);
    assertCanSeeChat(ctx, chat);
    const user = userFromInputPeer(ctx, request.participant);
    const participant = participantOf(ctx, chat, user.id);
    return new Api.channels.ChannelParticipant({
      participant,
      chats: [embed(chatToTl(ctx.world, chat, ctx.accountId))],
      users: [embed(userToTl(ctx.world, user, ctx.accountId))],
    });
  },

  // Only the Admins, Recent, Kicked and Banned filters are served, with offset/limit paging, and
  // the hash is ignored (always a full answer). Who may list admins is a world setting
  // (adminListAccess): Telegram does not document it.
  "channels.getParticipants": (ctx, request: Api.channels.GetParticipants) => {
    const chat = chatFromInputChannel(ctx, request.channel);
    assertCanSeeChat(ctx, chat);
    assertMayListParticipants(ctx, chat, request.filter);
    const matching = [...chat.members]
      .filter(([, role]) => listedBy(request.filter, role.status))
      .map(([userId]) => userId);
    const page = matching.slice(Math.max(0, request.offset), Math.max(0, request.offset) + request.limit);
    const users = page.flatMap((userId) => {
      const user = ctx.world.getUser(userId);
      return user ? [embed<Api.TypeUser>(userToTl(ctx.world, user, ctx.accountId))] : [];
    });
    return new Api.channels.ChannelParticipants({
      count: matching.length,
      participants: page.map((userId) => participantOf(ctx, chat, userId)),
      chats: [embed(chatToTl(ctx.world, chat, ctx.accountId))],
      users,
    });
  },
};
