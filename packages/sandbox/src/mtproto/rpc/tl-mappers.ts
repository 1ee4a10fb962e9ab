import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type {
  AdminRights,
  MemberRole,
  WorldChat,
  WorldGroupCall,
  WorldMessage,
  WorldUser,
} from "../../world/types.ts";
import type { World } from "../../world/world.ts";

/**
 * World -> Api.* objects (layer 198, the layer of telegram@2.26.22's classes), always seen
 * through one account's eyes: `self`, `creator`, `left`, admin rights and `out` depend on who asks.
 */

export type TlLong = ReturnType<typeof returnBigInt>;

export function long(value: string | number | bigint): TlLong {
  return returnBigInt(typeof value === "bigint" ? value.toString() : value);
}

/** Sandbox accounts are created long before any message; Telegram needs some date. */
const EPOCH_DATE = 1_700_000_000;

export function userToTl(user: WorldUser, viewerId: number): Api.User {
  return new Api.User({
    self: user.id === viewerId,
    bot: user.isBot === true,
    id: long(user.id),
    accessHash: long(user.accessHash),
    firstName: user.firstName,
    ...(user.lastName !== undefined && { lastName: user.lastName }),
    ...(user.username !== undefined && { username: user.username }),
    ...(user.isBot === true && { botInfoVersion: 1 }),
    status: new Api.UserStatusRecently({}),
  });
}

export function adminRightsToTl(rights: AdminRights): Api.ChatAdminRights {
  return new Api.ChatAdminRights({
    changeInfo: rights.changeInfo === true,
    postMessages: rights.postMessages === true,
    editMessages: rights.editMessages === true,
    deleteMessages: rights.deleteMessages === true,
    banUsers: rights.banUsers === true,
    inviteUsers: rights.inviteUsers === true,
    pinMessages: rights.pinMessages === true,
    addAdmins: rights.addAdmins === true,
    anonymous: rights.anonymous === true,
    manageCall: rights.manageCall === true,
    other: rights.other === true,
  });
}

/** Everything an owner may do; Telegram sends the full set in channelParticipantCreator. */
export const OWNER_RIGHTS: AdminRights = {
  changeInfo: true,
  postMessages: true,
  editMessages: true,
  deleteMessages: true,
  banUsers: true,
  inviteUsers: true,
  pinMessages: true,
  addAdmins: true,
  manageCall: true,
  other: true,
};

function isPresent(role: MemberRole | undefined): boolean {
  return role?.status === "owner" || role?.status === "admin" || role?.status === "member";
}

function presentMemberCount(chat: WorldChat): number {
  let count = 0;
  for (const role of chat.members.values()) if (isPresent(role)) count += 1;
  return count;
}

export function chatToTl(world: World, chat: WorldChat, viewerId: number): Api.TypeChat {
  const role = chat.members.get(viewerId);
  const call = world.currentCall(chat.id);
  const callFlags = { callActive: call?.state === "active", callNotEmpty: false };
  const adminRights =
    role?.status === "owner"
      ? adminRightsToTl(OWNER_RIGHTS)
      : role?.status === "admin"
        ? adminRightsToTl(role.rights)
        : undefined;
  if (chat.type === "group") {
    return new Api.Chat({
      creator: role?.status === "owner",
      left: !isPresent(role),
      ...callFlags,
      id: long(chat.id),
      title: chat.title,
      photo: new Api.ChatPhotoEmpty(),
      participantsCount: presentMemberCount(chat),
      date: EPOCH_DATE,
      version: 1,
      ...(adminRights && { adminRights }),
    });
  }
  return new Api.Channel({
    creator: role?.status === "owner",
    left: !isPresent(role),
    broadcast: chat.type === "channel",
    megagroup: chat.type === "supergroup",
    hasLink: chat.linkedChatId !== undefined,
    ...callFlags,
    id: long(chat.id),
    accessHash: long(chat.accessHash),
    title: chat.title,
    ...(chat.username !== undefined && { username: chat.username }),
    photo: new Api.ChatPhotoEmpty(),
    date: EPOCH_DATE,
    participantsCount: presentMemberCount(chat),
    ...(adminRights && { adminRights }),
  });
}

export function peerOfChat(chat: WorldChat): Api.TypePeer {
  return chat.type === "group"
    ? new Api.PeerChat({ chatId: long(chat.id) })
    : new Api.PeerChannel({ channelId: long(chat.id) });
}

export function inputGroupCallOf(call: WorldGroupCall): Api.InputGroupCall {
  return new Api.InputGroupCall({ id: long(call.id), accessHash: long(call.accessHash) });
}

/** Telegram's per-call limit on participants with video; clients only display it. */
const UNMUTED_VIDEO_LIMIT = 30;

export function groupCallToTl(call: WorldGroupCall, viewerId: number): Api.TypeGroupCall {
  if (call.state === "discarded") {
    return new Api.GroupCallDiscarded({
      id: long(call.id),
      accessHash: long(call.accessHash),
      duration: call.duration ?? 0,
    });
  }
  return new Api.GroupCall({
    canChangeJoinMuted: true,
    canStartVideo: true,
    rtmpStream: call.rtmp,
    listenersHidden: call.rtmp,
    scheduleStartSubscribed: call.startSubscribed.has(viewerId),
    id: long(call.id),
    accessHash: long(call.accessHash),
    participantsCount: 0,
    ...(call.title !== undefined && { title: call.title }),
    ...(call.scheduleDate !== undefined && { scheduleDate: call.scheduleDate }),
    unmutedVideoLimit: UNMUTED_VIDEO_LIMIT,
    version: call.version,
  });
}

export function updateGroupCallOf(call: WorldGroupCall, viewerId: number): Api.UpdateGroupCall {
  return new Api.UpdateGroupCall({ chatId: long(call.chatId), call: groupCallToTl(call, viewerId) });
}

function senderPeer(world: World, message: WorldMessage): Api.TypePeer | undefined {
  if (message.senderChatId !== undefined) {
    const chat = world.chatByBotApiId(message.senderChatId);
    return chat ? peerOfChat(chat) : undefined;
  }
  return message.fromUserId !== undefined
    ? new Api.PeerUser({ userId: long(message.fromUserId) })
    : undefined;
}

function serviceActionToTl(world: World, message: WorldMessage): Api.TypeMessageAction | undefined {
  const service = message.service;
  const call = message.callId === undefined ? undefined : world.getGroupCall(message.callId);
  if (!service || !call) return undefined;
  const input = inputGroupCallOf(call);
  switch (service.kind) {
    case "video_chat_scheduled":
      return new Api.MessageActionGroupCallScheduled({ call: input, scheduleDate: service.startDate });
    case "video_chat_started":
      return new Api.MessageActionGroupCall({ call: input });
    case "video_chat_ended":
      return new Api.MessageActionGroupCall({ call: input, duration: service.duration });
    case "video_chat_participants_invited":
      return new Api.MessageActionInviteToGroupCall({ call: input, users: service.userIds.map(long) });
  }
}

/** A chat message as MTProto shows it, or undefined for the bot's private chats (not MTProto's business here). */
export function messageToTl(
  world: World,
  message: WorldMessage,
  viewerId: number,
): Api.Message | Api.MessageService | undefined {
  const chat = world.chatByBotApiId(message.chatId);
  if (!chat) return undefined;
  const fromId = senderPeer(world, message);
  const common = {
    out: message.fromUserId === viewerId && message.senderChatId === undefined,
    post: chat.type === "channel",
    id: message.id,
    ...(fromId && { fromId }),
    peerId: peerOfChat(chat),
    date: message.date,
    ...(message.replyToMessageId !== undefined && {
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: message.replyToMessageId }),
    }),
  };
  if (message.service) {
    const action = serviceActionToTl(world, message);
    return action ? new Api.MessageService({ ...common, action }) : undefined;
  }
  return new Api.Message({ ...common, message: message.text ?? "" });
}

/**
 * The update that announces a new message: per-channel pts for supergroups and channels,
 * the account-wide box for basic groups. The sandbox uses the message id as pts; gramjs does
 * not track gaps.
 */
export function newMessageUpdateOf(chat: WorldChat, message: Api.TypeMessage, pts: number): Api.TypeUpdate {
  return chat.type === "group"
    ? new Api.UpdateNewMessage({ message, pts, ptsCount: 1 })
    : new Api.UpdateNewChannelMessage({ message, pts, ptsCount: 1 });
}
