import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { canManageCalls, isPresentMember } from "../../world/group-call-rules.ts";
import type {
  AdminRights,
  MemberRole,
  WorldChat,
  WorldGroupCall,
  WorldMessage,
  WorldUser,
} from "../../world/types.ts";
import type { World } from "../../world/world.ts";
import { flagsOf, type RawTl, rawTl, type TlWriter } from "../tl/tl-writer.ts";
import { documentMediaToTl } from "./document-tl.ts";

/**
 * World -> layer-198 TL (the layer of telegram@2.26.22's classes), always seen through one
 * account's eyes: `self`, `creator`, `left`, admin rights and `out` depend on who asks.
 *
 * The objects every call answer carries (users, chats, calls, service messages, Updates) are
 * written directly with TlWriter: building and serialising gramjs Api objects cost more CPU
 * than everything else in a createGroupCall. Constructor ids come from gramjs's Api classes,
 * and test/mtproto-tl-writers.test.ts checks each writer byte for byte against them.
 */

export type TlLong = ReturnType<typeof returnBigInt>;

export function long(value: string | number | bigint): TlLong {
  return returnBigInt(typeof value === "bigint" ? value.toString() : value);
}

/**
 * gramjs's Api containers only call getBytes() on nested objects, so a RawTl can stand where
 * its typings want an Api object.
 */
export function embed<T>(raw: RawTl): T {
  return raw as unknown as T;
}

/** Sandbox accounts and chats exist long before any message; Telegram needs some date. */
export const EPOCH_DATE = 1_700_000_000;

const id = (klass: { CONSTRUCTOR_ID: number }) => klass.CONSTRUCTOR_ID >>> 0;
const C = {
  user: id(Api.User),
  userStatusRecently: id(Api.UserStatusRecently),
  chat: id(Api.Chat),
  channel: id(Api.Channel),
  chatPhotoEmpty: id(Api.ChatPhotoEmpty),
  chatAdminRights: id(Api.ChatAdminRights),
  peerUser: id(Api.PeerUser),
  peerChat: id(Api.PeerChat),
  peerChannel: id(Api.PeerChannel),
  inputChannel: id(Api.InputChannel),
  inputGroupCall: id(Api.InputGroupCall),
  groupCall: id(Api.GroupCall),
  groupCallDiscarded: id(Api.GroupCallDiscarded),
  updateGroupCall: id(Api.UpdateGroupCall),
  messageService: id(Api.MessageService),
  actionGroupCall: id(Api.MessageActionGroupCall),
  actionGroupCallScheduled: id(Api.MessageActionGroupCallScheduled),
  actionInviteToGroupCall: id(Api.MessageActionInviteToGroupCall),
  updateNewMessage: id(Api.UpdateNewMessage),
  updateNewChannelMessage: id(Api.UpdateNewChannelMessage),
  updates: id(Api.Updates),
};

// ---- users ----

/** user#4b46c37e with access_hash, names, username, status and (for bots) bot_info_version. */
export function writeUser(w: TlWriter, world: World, user: WorldUser, viewerId: number): void {
  const bot = user.isBot === true;
  w.uint(C.user)
    .uint(
      flagsOf([
        [true, 0], // access_hash
        [true, 1], // first_name
        [user.lastName !== undefined, 2],
        [user.username !== undefined, 3],
        [true, 6], // status
        [user.id === viewerId, 10], // self
        [bot, 14], // bot, bot_info_version
      ]),
    )
    .uint(0) // flags2
    .long(user.id)
    .long(world.accessHash("user", user.id, viewerId))
    .string(user.firstName);
  if (user.lastName !== undefined) w.string(user.lastName);
  if (user.username !== undefined) w.string(user.username);
  w.uint(C.userStatusRecently).uint(0);
  if (bot) w.int(1);
}

export function userToTl(world: World, user: WorldUser, viewerId: number): RawTl {
  return rawTl((w) => writeUser(w, world, user, viewerId));
}

// ---- chats ----

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

function writeAdminRights(w: TlWriter, rights: AdminRights): void {
  w.uint(C.chatAdminRights).uint(
    flagsOf([
      [rights.changeInfo, 0],
      [rights.postMessages, 1],
      [rights.editMessages, 2],
      [rights.deleteMessages, 3],
      [rights.banUsers, 4],
      [rights.inviteUsers, 5],
      [rights.pinMessages, 7],
      [rights.addAdmins, 9],
      [rights.anonymous, 10],
      [rights.manageCall, 11],
      [rights.other, 12],
    ]),
  );
}

function isPresent(role: MemberRole | undefined): boolean {
  return isPresentMember(role);
}

function presentMemberCount(chat: WorldChat): number {
  let count = 0;
  for (const role of chat.members.values()) if (isPresent(role)) count += 1;
  return count;
}

/** chat#41cbf256 for basic groups, channel#e00998b7 for supergroups and channels. */
export function writeChat(w: TlWriter, world: World, chat: WorldChat, viewerId: number): void {
  const role = chat.members.get(viewerId);
  const callActive = world.currentCall(chat.id)?.state === "active";
  const rights = role?.status === "owner" ? OWNER_RIGHTS : role?.status === "admin" ? role.rights : undefined;
  const creator = role?.status === "owner";
  const left = !isPresent(role);
  if (chat.type === "group") {
    // An upgraded group is deactivated and names its supergroup (migrated_to).
    const supergroup = chat.migratedTo === undefined ? undefined : world.getChat(chat.migratedTo);
    w.uint(C.chat)
      .uint(
        flagsOf([
          [creator, 0],
          [left, 2],
          [supergroup !== undefined, 5], // deactivated
          [supergroup !== undefined, 6], // migrated_to
          [rights !== undefined, 14],
          [callActive, 23],
        ]),
      )
      .long(chat.id)
      .string(chat.title)
      .uint(C.chatPhotoEmpty)
      .int(presentMemberCount(chat))
      .int(EPOCH_DATE)
      .int(1); // version
    if (supergroup)
      w.uint(C.inputChannel)
        .long(supergroup.id)
        .long(world.accessHash("chat", supergroup.id, viewerId));
    if (rights) writeAdminRights(w, rights);
    return;
  }
  w.uint(C.channel)
    .uint(
      flagsOf([
        [creator, 0],
        [left, 2],
        [chat.type === "channel", 5], // broadcast
        [chat.username !== undefined, 6],
        [chat.type === "supergroup", 8], // megagroup
        [true, 13], // access_hash
        [rights !== undefined, 14],
        [true, 17], // participants_count
        [chat.linkedChatId !== undefined, 20], // has_link
        [callActive, 23],
      ]),
    )
    .uint(0) // flags2
    .long(chat.id)
    .long(world.accessHash("chat", chat.id, viewerId))
    .string(chat.title);
  if (chat.username !== undefined) w.string(chat.username);
  w.uint(C.chatPhotoEmpty).int(EPOCH_DATE);
  if (rights) writeAdminRights(w, rights);
  w.int(presentMemberCount(chat));
}

export function chatToTl(world: World, chat: WorldChat, viewerId: number): RawTl {
  return rawTl((w) => writeChat(w, world, chat, viewerId));
}

export function writePeerOfChat(w: TlWriter, chat: WorldChat): void {
  w.uint(chat.type === "group" ? C.peerChat : C.peerChannel).long(chat.id);
}

export function peerOfChat(chat: WorldChat): Api.TypePeer {
  return chat.type === "group"
    ? new Api.PeerChat({ chatId: long(chat.id) })
    : new Api.PeerChannel({ channelId: long(chat.id) });
}

// ---- group calls ----

/** The call as `viewerId` may name it (its access hash as that account is given it). */
export function inputGroupCallOf(world: World, call: WorldGroupCall, viewerId: number): Api.InputGroupCall {
  return new Api.InputGroupCall({
    id: long(call.id),
    accessHash: long(world.callAccessHash(call, viewerId)),
  });
}

function writeInputGroupCall(w: TlWriter, call: WorldGroupCall, accessHash: string): void {
  w.uint(C.inputGroupCall).long(call.id).long(accessHash);
}

/** Telegram's per-call limit on participants with video; clients only display it. */
const UNMUTED_VIDEO_LIMIT = 30;

/** Who looks at a call: groupCall flags such as can_change_join_muted depend on it. */
export interface CallViewer {
  id: number;
  /** The call's access hash as this account is given it (World.callAccessHash). */
  accessHash: string;
  /** Owner or manage_call admin of the call's chat. */
  manages: boolean;
}

export function callViewer(world: World, call: WorldGroupCall, viewerId: number): CallViewer {
  return {
    id: viewerId,
    accessHash: world.callAccessHash(call, viewerId),
    manages: canManageCalls(world.memberRole(call.chatId, viewerId)),
  };
}

/** groupCall#cdf8d3e3, or groupCallDiscarded#7780bcb4 once the call has ended. */
export function writeGroupCall(w: TlWriter, call: WorldGroupCall, viewer: CallViewer): void {
  if (call.state === "discarded") {
    w.uint(C.groupCallDiscarded)
      .long(call.id)
      .long(viewer.accessHash)
      .int(call.duration ?? 0);
    return;
  }
  const recording = call.recording;
  w.uint(C.groupCall)
    .uint(
      flagsOf([
        [call.joinMuted, 1], // join_muted
        // "Whether the current user can change the value of the join_muted flag" (ct:constructor/groupCall).
        [viewer.manages, 2], // can_change_join_muted
        [call.title !== undefined, 3],
        [recording !== undefined, 5], // record_start_date
        [call.scheduleDate !== undefined, 7],
        [call.startSubscribed.has(viewer.id), 8], // schedule_start_subscribed
        [true, 9], // can_start_video
        [recording?.video === true, 11], // record_video_active
        [call.rtmp, 12], // rtmp_stream
        [call.rtmp, 13], // listeners_hidden
      ]),
    )
    .long(call.id)
    .long(viewer.accessHash)
    .int(call.participants.size);
  if (call.title !== undefined) w.string(call.title);
  if (recording !== undefined) w.int(recording.startDate);
  if (call.scheduleDate !== undefined) w.int(call.scheduleDate);
  w.int(UNMUTED_VIDEO_LIMIT).int(call.version);
}

export function groupCallToTl(call: WorldGroupCall, viewer: CallViewer): RawTl {
  return rawTl((w) => writeGroupCall(w, call, viewer));
}

/** updateGroupCall#97d64341 with chat_id. */
export function writeUpdateGroupCall(w: TlWriter, call: WorldGroupCall, viewer: CallViewer): void {
  w.uint(C.updateGroupCall).uint(1).long(call.chatId);
  writeGroupCall(w, call, viewer);
}

// ---- messages ----

function writeServiceAction(
  w: TlWriter,
  service: NonNullable<WorldMessage["service"]>,
  call: WorldGroupCall,
  accessHash: string,
): void {
  switch (service.kind) {
    case "video_chat_scheduled":
      w.uint(C.actionGroupCallScheduled);
      writeInputGroupCall(w, call, accessHash);
      w.int(service.startDate);
      return;
    case "video_chat_started":
      w.uint(C.actionGroupCall).uint(0);
      writeInputGroupCall(w, call, accessHash);
      return;
    case "video_chat_ended":
      w.uint(C.actionGroupCall).uint(1);
      writeInputGroupCall(w, call, accessHash);
      w.int(service.duration);
      return;
    case "video_chat_participants_invited":
      w.uint(C.actionInviteToGroupCall);
      writeInputGroupCall(w, call, accessHash);
      w.vector(service.userIds.length);
      for (const userId of service.userIds) w.long(userId);
      return;
  }
}

/** Who a message is from: the chat itself (channel posts, anonymous admins) or a user. */
function senderOf(
  world: World,
  message: WorldMessage,
): { kind: "chat"; chat: WorldChat } | { kind: "user"; id: number } | undefined {
  if (message.senderChatId !== undefined) {
    const chat = world.chatByBotApiId(message.senderChatId);
    return chat ? { kind: "chat", chat } : undefined;
  }
  return message.fromUserId !== undefined ? { kind: "user", id: message.fromUserId } : undefined;
}

/**
 * A chat message as MTProto shows it, or undefined when MTProto has nothing to show: the
 * bot's private chats, or a service message whose call is unknown.
 */
export function messageToTl(
  world: World,
  message: WorldMessage,
  viewerId: number,
): RawTl | Api.Message | undefined {
  const chat = world.chatByBotApiId(message.chatId);
  if (!chat) return undefined;
  const sender = senderOf(world, message);
  const out = message.fromUserId === viewerId && message.senderChatId === undefined;
  const post = chat.type === "channel";
  if (message.service) {
    const service = message.service;
    const call = message.callId === undefined ? undefined : world.getGroupCall(message.callId);
    if (!call) return undefined;
    // messageService#d3d28540
    return rawTl((w) => {
      w.uint(C.messageService)
        .uint(
          flagsOf([
            [out, 1],
            [sender !== undefined, 8], // from_id
            [post, 14],
          ]),
        )
        .int(message.id);
      if (sender?.kind === "chat") writePeerOfChat(w, sender.chat);
      else if (sender?.kind === "user") w.uint(C.peerUser).long(sender.id);
      writePeerOfChat(w, chat);
      w.int(message.date);
      writeServiceAction(w, service, call, world.callAccessHash(call, viewerId));
    });
  }
  // Plain text messages are rare on MTProto here (pushed only); gramjs's class is fine for them.
  return new Api.Message({
    out,
    post,
    id: message.id,
    ...(sender?.kind === "chat" && { fromId: peerOfChat(sender.chat) }),
    ...(sender?.kind === "user" && { fromId: new Api.PeerUser({ userId: long(sender.id) }) }),
    peerId: peerOfChat(chat),
    date: message.date,
    ...(message.replyToMessageId !== undefined && {
      replyTo: new Api.MessageReplyHeader({ replyToMsgId: message.replyToMessageId }),
    }),
    message: message.text ?? "",
    ...(message.document !== undefined && { media: documentMediaToTl(message.document, message.date) }),
    ...(message.forwardedFrom !== undefined && {
      fwdFrom: new Api.MessageFwdHeader({
        fromId: new Api.PeerUser({ userId: long(message.forwardedFrom.userId) }),
        date: message.forwardedFrom.date,
      }),
    }),
  });
}

/**
 * The update that announces a new message: per-channel pts for supergroups and channels, the
 * account-wide box for basic groups. The sandbox uses the message id as pts; gramjs does not
 * track gaps.
 */
export function writeNewMessageUpdate(
  w: TlWriter,
  chat: WorldChat,
  message: RawTl | Api.Message,
  pts: number,
): void {
  w.uint(chat.type === "group" ? C.updateNewMessage : C.updateNewChannelMessage);
  if ("writeTo" in message) message.writeTo(w);
  else w.raw(message.getBytes());
  w.int(pts).int(1);
}

/** updates#74ae4240 around already-written update bodies. */
export function writeUpdates(
  w: TlWriter,
  world: World,
  updates: ((w: TlWriter) => void)[],
  users: WorldUser[],
  chats: WorldChat[],
  viewerId: number,
): void {
  w.uint(C.updates).vector(updates.length);
  for (const write of updates) write(w);
  w.vector(users.length);
  for (const user of users) writeUser(w, world, user, viewerId);
  w.vector(chats.length);
  for (const chat of chats) writeChat(w, world, chat, viewerId);
  w.int(Math.floor(Date.now() / 1000)).int(0);
}
