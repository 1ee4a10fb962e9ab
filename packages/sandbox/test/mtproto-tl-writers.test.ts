import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { describe, expect, it } from "vitest";
import {
  type CallViewer,
  callViewer,
  chatToTl,
  EPOCH_DATE,
  groupCallToTl,
  messageToTl,
  OWNER_RIGHTS,
  userToTl,
  writeUpdateGroupCall,
} from "../src/mtproto/rpc/tl-mappers.ts";
import { TlWriter } from "../src/mtproto/tl/tl-writer.ts";
import type { AdminRights, WorldChat, WorldGroupCall, WorldMessage, WorldUser } from "../src/world/types.ts";
import { World } from "../src/world/world.ts";
import { demoFixtureWithOwnerAccount } from "./support/gramjs-sandbox.ts";

/**
 * The hand-written layer-198 writers must produce exactly the bytes gramjs's own Api classes
 * produce for the same object: that is what makes skipping the classes on the hot path safe.
 */
const big = (value: string | number) => returnBigInt(value);

function referenceRights(r: AdminRights): Api.ChatAdminRights {
  return new Api.ChatAdminRights({
    changeInfo: r.changeInfo === true,
    postMessages: r.postMessages === true,
    editMessages: r.editMessages === true,
    deleteMessages: r.deleteMessages === true,
    banUsers: r.banUsers === true,
    inviteUsers: r.inviteUsers === true,
    pinMessages: r.pinMessages === true,
    addAdmins: r.addAdmins === true,
    anonymous: r.anonymous === true,
    manageCall: r.manageCall === true,
    other: r.other === true,
  });
}

function referenceUser(world: World, user: WorldUser, viewerId: number): Api.User {
  return new Api.User({
    self: user.id === viewerId,
    bot: user.isBot === true,
    id: big(user.id),
    accessHash: big(world.accessHash("user", user.id, viewerId)),
    firstName: user.firstName,
    ...(user.lastName !== undefined && { lastName: user.lastName }),
    ...(user.username !== undefined && { username: user.username }),
    ...(user.isBot === true && { botInfoVersion: 1 }),
    status: new Api.UserStatusRecently({}),
  });
}

function referenceChat(world: World, chat: WorldChat, viewerId: number): Api.TypeChat {
  const role = chat.members.get(viewerId);
  const present = (s?: string) => s === "owner" || s === "admin" || s === "member";
  const count = [...chat.members.values()].filter((r) => present(r.status)).length;
  const rights = role?.status === "owner" ? OWNER_RIGHTS : role?.status === "admin" ? role.rights : undefined;
  const callActive = world.currentCall(chat.id)?.state === "active";
  if (chat.type === "group") {
    const supergroup = chat.migratedTo === undefined ? undefined : world.getChat(chat.migratedTo);
    return new Api.Chat({
      creator: role?.status === "owner",
      left: !present(role?.status),
      deactivated: supergroup !== undefined,
      ...(supergroup && {
        migratedTo: new Api.InputChannel({
          channelId: big(supergroup.id),
          accessHash: big(world.accessHash("chat", supergroup.id, viewerId)),
        }),
      }),
      callActive,
      id: big(chat.id),
      title: chat.title,
      photo: new Api.ChatPhotoEmpty(),
      participantsCount: count,
      date: EPOCH_DATE,
      version: 1,
      ...(rights && { adminRights: referenceRights(rights) }),
    });
  }
  return new Api.Channel({
    creator: role?.status === "owner",
    left: !present(role?.status),
    broadcast: chat.type === "channel",
    megagroup: chat.type === "supergroup",
    hasLink: chat.linkedChatId !== undefined,
    callActive,
    id: big(chat.id),
    accessHash: big(world.accessHash("chat", chat.id, viewerId)),
    title: chat.title,
    ...(chat.username !== undefined && { username: chat.username }),
    photo: new Api.ChatPhotoEmpty(),
    date: EPOCH_DATE,
    participantsCount: count,
    ...(rights && { adminRights: referenceRights(rights) }),
  });
}

function referenceCall(call: WorldGroupCall, viewer: CallViewer): Api.TypeGroupCall {
  if (call.state === "discarded") {
    return new Api.GroupCallDiscarded({
      id: big(call.id),
      accessHash: big(call.accessHash),
      duration: call.duration ?? 0,
    });
  }
  return new Api.GroupCall({
    joinMuted: call.joinMuted,
    canChangeJoinMuted: viewer.manages,
    canStartVideo: true,
    recordVideoActive: call.recording?.video === true,
    rtmpStream: call.rtmp,
    listenersHidden: call.rtmp,
    scheduleStartSubscribed: call.startSubscribed.has(viewer.id),
    id: big(call.id),
    accessHash: big(call.accessHash),
    participantsCount: call.participants.size,
    ...(call.title !== undefined && { title: call.title }),
    ...(call.recording !== undefined && { recordStartDate: call.recording.startDate }),
    ...(call.scheduleDate !== undefined && { scheduleDate: call.scheduleDate }),
    unmutedVideoLimit: 30,
    version: call.version,
  });
}

function referenceService(world: World, message: WorldMessage, viewerId: number): Api.MessageService {
  const chat = world.chatByBotApiId(message.chatId)!;
  const call = world.getGroupCall(message.callId!)!;
  const peer = (c: WorldChat) =>
    c.type === "group"
      ? new Api.PeerChat({ chatId: big(c.id) })
      : new Api.PeerChannel({ channelId: big(c.id) });
  const input = new Api.InputGroupCall({ id: big(call.id), accessHash: big(call.accessHash) });
  const service = message.service!;
  const action =
    service.kind === "video_chat_scheduled"
      ? new Api.MessageActionGroupCallScheduled({ call: input, scheduleDate: service.startDate })
      : service.kind === "video_chat_started"
        ? new Api.MessageActionGroupCall({ call: input })
        : service.kind === "video_chat_ended"
          ? new Api.MessageActionGroupCall({ call: input, duration: service.duration })
          : service.kind === "video_chat_participants_invited"
            ? new Api.MessageActionInviteToGroupCall({ call: input, users: service.userIds.map(big) })
            : undefined;
  if (!action) throw new Error(`no call action for ${service.kind}`);
  const sender =
    message.senderChatId !== undefined
      ? peer(world.chatByBotApiId(message.senderChatId)!)
      : message.fromUserId !== undefined
        ? new Api.PeerUser({ userId: big(message.fromUserId) })
        : undefined;
  return new Api.MessageService({
    out: message.fromUserId === viewerId && message.senderChatId === undefined,
    post: chat.type === "channel",
    id: message.id,
    ...(sender && { fromId: sender }),
    peerId: peer(chat),
    date: message.date,
    action,
  });
}

const hex = (buffer: Buffer) => buffer.toString("hex");

describe("layer-198 TL writers match gramjs's Api classes byte for byte", () => {
  const world = new World(demoFixtureWithOwnerAccount());
  const viewers = [2001, 1001, 1005];

  it("users (self, others, with and without last name and username, the bot)", () => {
    world.getUser(1004)!.lastName = undefined;
    for (const user of world.allUsers()) {
      for (const viewer of viewers)
        expect(hex(userToTl(world, user, viewer).getBytes())).toBe(
          hex(referenceUser(world, user, viewer).getBytes()),
        );
    }
  });

  it("chats and channels as owner, admin, member and outsider, with and without a running call", () => {
    const check = () => {
      for (const chat of world.allChats()) {
        for (const viewer of [...viewers, 1002, 1003, 1004]) {
          expect(hex(chatToTl(world, chat, viewer).getBytes())).toBe(
            hex(referenceChat(world, chat, viewer).getBytes()),
          );
        }
      }
    };
    check();
    world.createGroupCall(1001, 1500000001, { randomId: 1, rtmp: false });
    world.createGroupCall(1001, 400000001, { randomId: 2, rtmp: false });
    check();
    // An upgraded basic group: deactivated, migrated_to its supergroup.
    world.migrateToSupergroup(400000001, 1001);
    check();
  });

  it("group calls in every state and the service messages and updateGroupCall around them", () => {
    const w = new World(demoFixtureWithOwnerAccount());
    const now = Date.now();
    const scheduled = w.createGroupCall(1001, 1500000002, {
      randomId: 3,
      title: "Ünïcode title ✓",
      scheduleDate: Math.floor(now / 1000) + 600,
      rtmp: true,
    });
    w.toggleGroupCallStartSubscription(2001, scheduled.id, true);
    const calls: WorldGroupCall[] = [structuredClone(scheduled)];
    w.startScheduledGroupCall(1001, scheduled.id);
    calls.push(structuredClone(scheduled));
    w.inviteToGroupCall(2001, scheduled.id, [1001]);
    w.joinGroupCall(scheduled.id, [1001, 1005], now);
    w.toggleGroupCallSettings(1001, scheduled.id, { joinMuted: true, resetInviteHash: false });
    w.toggleGroupCallRecord(
      1001,
      scheduled.id,
      { start: true, title: "Rec", video: true, portrait: false },
      now,
    );
    calls.push(structuredClone(scheduled));
    w.discardGroupCall(2001, scheduled.id, now + 65_000);
    calls.push(structuredClone(scheduled));
    const groupCall = w.createGroupCall(2001, 400000001, { randomId: 4, rtmp: false });
    calls.push(groupCall);
    for (const call of calls) {
      for (const viewerId of viewers) {
        const viewer = callViewer(w, call, viewerId);
        expect(hex(groupCallToTl(call, viewer).getBytes())).toBe(hex(referenceCall(call, viewer).getBytes()));
        const writer = new TlWriter();
        writeUpdateGroupCall(writer, call, viewer);
        const reference = new Api.UpdateGroupCall({
          chatId: big(call.chatId),
          call: referenceCall(call, viewer),
        });
        expect(hex(writer.finish())).toBe(hex(reference.getBytes()));
      }
    }
    const services = [...w.messages(-1001500000002), ...w.messages(-400000001)].filter((m) => m.service);
    expect(services.map((m) => m.service?.kind).sort()).toEqual([
      "video_chat_ended",
      "video_chat_participants_invited",
      "video_chat_scheduled",
      "video_chat_started",
      "video_chat_started",
    ]);
    for (const message of services) {
      for (const viewer of viewers) {
        const ours = messageToTl(w, message, viewer);
        expect(ours).toBeDefined();
        expect(hex(ours!.getBytes())).toBe(hex(referenceService(w, message, viewer).getBytes()));
      }
    }
  });

  it("TL strings of 254 bytes and more use the long form", () => {
    const text = "x".repeat(300);
    expect(hex(new TlWriter().string(text).finish())).toBe(
      hex(new Api.DataJSON({ data: text }).getBytes().subarray(4)),
    );
  });
});
