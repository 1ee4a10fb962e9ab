import { Api } from "telegram";
import { TelegramRpcError, type WorldChat, type WorldGroupCall, type WorldUser } from "../../world/types.ts";
import type { RequestContext } from "./request-context.ts";

/**
 * Input* objects from the client -> world entities, with Telegram's checks: access hashes must
 * be the ones the sandbox handed out, and the error names are the ones Telegram uses. They take
 * `unknown` because gramjs types request fields loosely (EntityLike); the wire gives Input* objects.
 */

export function chatFromInputPeer(ctx: RequestContext, peer: unknown): WorldChat {
  if (peer instanceof Api.InputPeerChannel) {
    const chat = ctx.world.getChat(peer.channelId.toJSNumber());
    if (!chat || chat.type === "group") throw new TelegramRpcError(400, "PEER_ID_INVALID");
    if (ctx.world.accessHash("chat", chat.id, ctx.accountId) !== peer.accessHash.toString())
      throw new TelegramRpcError(400, "CHANNEL_INVALID");
    return chat;
  }
  if (peer instanceof Api.InputPeerChat) {
    const chat = ctx.world.getChat(peer.chatId.toJSNumber());
    if (chat?.type !== "group") throw new TelegramRpcError(400, "PEER_ID_INVALID");
    return chat;
  }
  throw new TelegramRpcError(400, "PEER_ID_INVALID");
}

export function chatFromInputChannel(ctx: RequestContext, channel: unknown): WorldChat {
  if (channel instanceof Api.InputChannel) {
    const chat = ctx.world.getChat(channel.channelId.toJSNumber());
    if (
      !chat ||
      chat.type === "group" ||
      ctx.world.accessHash("chat", chat.id, ctx.accountId) !== channel.accessHash.toString()
    ) {
      throw new TelegramRpcError(400, "CHANNEL_INVALID");
    }
    return chat;
  }
  throw new TelegramRpcError(400, "CHANNEL_INVALID");
}

/** A private chat is invisible to anyone who is not in it. */
export function assertCanSeeChat(ctx: RequestContext, chat: WorldChat): void {
  if (!chat.username && !ctx.world.isMember(chat.id, ctx.accountId)) {
    throw new TelegramRpcError(400, "CHANNEL_PRIVATE");
  }
}

export function userFromInputUser(ctx: RequestContext, input: unknown): WorldUser {
  if (input instanceof Api.InputUserSelf) return requireUser(ctx, ctx.accountId);
  if (input instanceof Api.InputUser) {
    const user = ctx.world.getUser(input.userId.toJSNumber());
    if (!user || ctx.world.accessHash("user", user.id, ctx.accountId) !== input.accessHash.toString())
      throw new TelegramRpcError(400, "USER_ID_INVALID");
    return user;
  }
  if (input instanceof Api.InputUserFromMessage) return userSeenInMessage(ctx, input);
  throw new TelegramRpcError(400, "USER_ID_INVALID");
}

/**
 * inputUserFromMessage: a user the account knows only from a message in a chat it can see (no
 * access hash of its own). Valid when that message exists there and was sent by that user
 * (core.telegram.org/constructor/inputUserFromMessage; the sandbox does not also accept users
 * merely mentioned in the message).
 */
function userSeenInMessage(ctx: RequestContext, input: Api.InputUserFromMessage): WorldUser {
  const chat = chatFromInputPeer(ctx, input.peer);
  assertCanSeeChat(ctx, chat);
  const userId = input.userId.toJSNumber();
  const message = ctx.world.getMessage(ctx.world.botApiIdOf(chat), input.msgId);
  if (message?.fromUserId !== userId) throw new TelegramRpcError(400, "USER_ID_INVALID");
  return requireUser(ctx, userId);
}

export function userFromInputPeer(ctx: RequestContext, peer: unknown): WorldUser {
  if (peer instanceof Api.InputPeerSelf) return requireUser(ctx, ctx.accountId);
  if (peer instanceof Api.InputPeerUser) {
    return userFromInputUser(ctx, new Api.InputUser({ userId: peer.userId, accessHash: peer.accessHash }));
  }
  throw new TelegramRpcError(400, "PARTICIPANT_ID_INVALID");
}

export function requireUser(ctx: RequestContext, userId: number): WorldUser {
  const user = ctx.world.getUser(userId);
  if (!user) throw new TelegramRpcError(400, "USER_ID_INVALID");
  return user;
}

export function callFromInput(ctx: RequestContext, input: unknown): WorldGroupCall {
  if (!(input instanceof Api.InputGroupCall)) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  const call = ctx.world.getGroupCall(input.id.toString());
  if (!call || ctx.world.callAccessHash(call, ctx.accountId) !== input.accessHash.toString())
    throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  return call;
}
