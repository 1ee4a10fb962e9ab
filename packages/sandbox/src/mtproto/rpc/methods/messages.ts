import { Api } from "telegram";
import { TelegramRpcError, type WorldChat } from "../../../world/types.ts";
import { type SerializedUpdates, updatesFromEvents } from "../../updates/updates-from-events.ts";
import { chatFromInputPeer } from "../peers.ts";
import type { MethodHandler, RequestContext } from "../request-context.ts";
import { savedMessageToTl } from "../saved-message-tl.ts";
import { chatToTl, embed, inputGroupCallOf, long, messageToTl, peerOfChat, userToTl } from "../tl-mappers.ts";
import { updatesWithChat } from "../updates-with-chat.ts";

/** Every chat the account is in, newest activity first, with each chat's last message. */
function dialogsOf(ctx: RequestContext): Api.messages.Dialogs {
  const { world, accountId } = ctx;
  const entries = world.chatsOf(accountId).map((chat) => {
    const last = world.messages(world.botApiIdOf(chat)).at(-1);
    const mapped = last && messageToTl(world, last, accountId);
    return mapped && last
      ? { chat, top: { id: last.id, date: last.date, tl: mapped }, fromUserId: last.fromUserId }
      : { chat, top: { id: 1, date: CHAT_CREATED_DATE, tl: creationMessageOf(chat) }, fromUserId: undefined };
  });
  entries.sort((a, b) => b.top.date - a.top.date);
  const userIds = new Set<number>([accountId]);
  for (const entry of entries) if (entry.fromUserId !== undefined) userIds.add(entry.fromUserId);
  return new Api.messages.Dialogs({
    dialogs: entries.map(
      ({ chat, top }) =>
        new Api.Dialog({
          peer: peerOfChat(chat),
          topMessage: top.id,
          readInboxMaxId: top.id,
          readOutboxMaxId: top.id,
          unreadCount: 0,
          unreadMentionsCount: 0,
          unreadReactionsCount: 0,
          notifySettings: new Api.PeerNotifySettings({}),
          ...(chat.type !== "group" && { pts: top.id }),
        }),
    ),
    messages: entries.map(({ top }) => ("writeTo" in top.tl ? embed<Api.TypeMessage>(top.tl) : top.tl)),
    chats: entries.map(({ chat }) => embed<Api.TypeChat>(chatToTl(world, chat, accountId))),
    users: [...userIds].flatMap((id) => {
      const user = world.getUser(id);
      return user ? [embed<Api.TypeUser>(userToTl(ctx.world, user, accountId))] : [];
    }),
  });
}

/**
 * gramjs builds a Dialog only around its top message, and in Telegram every chat has at least
 * the "created" service message. The world starts chats empty, so an empty chat shows a
 * synthetic creation message with id 1 (gramjs refuses to serialise id 0). Once the world posts
 * its own message 1 the dialog shows that instead.
 */
function creationMessageOf(chat: WorldChat): Api.MessageService {
  return new Api.MessageService({
    id: 1,
    peerId: peerOfChat(chat),
    date: CHAT_CREATED_DATE,
    action:
      chat.type === "group"
        ? new Api.MessageActionChatCreate({ title: chat.title, users: [] })
        : new Api.MessageActionChannelCreate({ title: chat.title }),
  });
}

const CHAT_CREATED_DATE = 1_700_000_000;

function basicGroup(ctx: RequestContext, chatId: number): WorldChat {
  const chat = ctx.world.getChat(chatId);
  if (chat?.type !== "group") throw new TelegramRpcError(400, "CHAT_ID_INVALID");
  return chat;
}

function fullBasicGroup(ctx: RequestContext, chat: WorldChat): Api.messages.ChatFull {
  const { world, accountId } = ctx;
  if (!world.isMember(chat.id, accountId)) throw new TelegramRpcError(400, "CHAT_ID_INVALID");
  const owner = [...chat.members].find(([, role]) => role.status === "owner")?.[0] ?? accountId;
  // Left and banned members are not participants.
  const participants = [...chat.members].flatMap(([userId, role]): Api.TypeChatParticipant[] => {
    if (role.status === "owner") return [new Api.ChatParticipantCreator({ userId: long(userId) })];
    if (role.status === "admin") {
      return [
        new Api.ChatParticipantAdmin({ userId: long(userId), inviterId: long(owner), date: 1_700_000_000 }),
      ];
    }
    if (role.status === "member" || role.status === "restricted") {
      return [new Api.ChatParticipant({ userId: long(userId), inviterId: long(owner), date: 1_700_000_000 })];
    }
    return [];
  });
  // A scheduled call the server discarded (scheduledCallExpiry) is gone before anyone reads it.
  world.expireScheduledCalls(ctx.now);
  const call = world.currentCall(chat.id);
  return new Api.messages.ChatFull({
    fullChat: new Api.ChatFull({
      id: long(chat.id),
      about: "",
      participants: new Api.ChatParticipants({ chatId: long(chat.id), participants, version: 1 }),
      notifySettings: new Api.PeerNotifySettings({}),
      ...(call && { call: inputGroupCallOf(ctx.world, call, ctx.accountId) }),
    }),
    chats: [embed(chatToTl(world, chat, accountId))],
    users: participants.flatMap((participant) => {
      const user = world.getUser(participant.userId.toJSNumber());
      return user ? [embed<Api.TypeUser>(userToTl(ctx.world, user, accountId))] : [];
    }),
  });
}

/** True for the account's own chat (Saved Messages): inputPeerSelf, or inputPeerUser naming itself. */
function isSelf(ctx: RequestContext, peer: unknown): boolean {
  if (peer instanceof Api.InputPeerSelf) return true;
  return peer instanceof Api.InputPeerUser && peer.userId.toJSNumber() === ctx.accountId;
}

/**
 * messages.getHistory of Saved Messages, newest first (ct:method/messages.getHistory): `limit`
 * messages below `offset_id` (0: from the newest). Other chats' history is not served.
 */
function savedHistory(ctx: RequestContext, request: Api.messages.GetHistory): Api.messages.Messages {
  if (!isSelf(ctx, request.peer))
    throw new TelegramRpcError(400, "SANDBOX_SERVES_ONLY_SAVED_MESSAGES_HISTORY");
  const below = request.offsetId > 0 ? request.offsetId : Number.POSITIVE_INFINITY;
  const limit = Math.min(Math.max(request.limit, 1), 100);
  const page = ctx.world.saved
    .of(ctx.accountId)
    .filter((message) => message.id < below)
    .reverse()
    .slice(0, limit);
  const self = ctx.world.getUser(ctx.accountId);
  return new Api.messages.Messages({
    messages: page.map((message) => savedMessageToTl(message, ctx.accountId)),
    chats: [],
    users: self ? [embed<Api.TypeUser>(userToTl(ctx.world, self, ctx.accountId))] : [],
  });
}

/**
 * messages.forwardMessages from Saved Messages (where call recordings arrive) into a group or
 * channel: answers the copies' updateNewChannelMessage / updateNewMessage. Forwarding from other
 * chats is not served.
 */
function forwardFromSaved(ctx: RequestContext, request: Api.messages.ForwardMessages): SerializedUpdates {
  if (!isSelf(ctx, request.fromPeer)) {
    throw new TelegramRpcError(400, "SANDBOX_FORWARDS_ONLY_FROM_SAVED_MESSAGES");
  }
  const chat = chatFromInputPeer(ctx, request.toPeer);
  const { events } = ctx.capture(() =>
    ctx.world.forwardSavedMessages(ctx.accountId, request.id, chat.id, ctx.now),
  );
  return updatesFromEvents(ctx.world, events, ctx.accountId);
}

export const messagesMethods: Record<string, MethodHandler> = {
  "messages.forwardMessages": (ctx, request: Api.messages.ForwardMessages) => forwardFromSaved(ctx, request),

  "messages.getHistory": (ctx, request: Api.messages.GetHistory) => savedHistory(ctx, request),

  // core.telegram.org/method/messages.importChatInvite: answers Updates with the chat joined.
  "messages.importChatInvite": (ctx, request: Api.messages.ImportChatInvite) => {
    if (!request.hash) throw new TelegramRpcError(400, "INVITE_HASH_EMPTY");
    return updatesWithChat(ctx, ctx.world.joinByInvite(ctx.accountId, request.hash, ctx.now));
  },

  "messages.getDialogs": (ctx) => dialogsOf(ctx),

  "messages.getChats": (ctx, request: Api.messages.GetChats) =>
    new Api.messages.Chats({
      chats: request.id.map((id) =>
        embed<Api.TypeChat>(chatToTl(ctx.world, basicGroup(ctx, id.toJSNumber()), ctx.accountId)),
      ),
    }),

  "messages.getFullChat": (ctx, request: Api.messages.GetFullChat) =>
    fullBasicGroup(ctx, basicGroup(ctx, request.chatId.toJSNumber())),
};
