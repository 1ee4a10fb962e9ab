import { Api } from "telegram";
import { TelegramRpcError, type WorldGroupCall } from "../../../world/types.ts";
import type { WorldSettings } from "../../../world/world-settings.ts";
import { type SerializedUpdates, updatesFromEvents } from "../../updates/updates-from-events.ts";
import { assertCanSeeChat, callFromInput, chatFromInputPeer, userFromInputUser } from "../peers.ts";
import type { MethodHandler, RequestContext } from "../request-context.ts";
import { callViewer, chatToTl, embed, groupCallToTl, long, userToTl } from "../tl-mappers.ts";

/**
 * The Updates a call-changing method answers with: the updateGroupCall and service message the
 * change produced, and always the call's updateGroupCall (TDLib, iOS and the worker take the
 * call from it, also when a random_id retry changed nothing).
 */
function changeCall(ctx: RequestContext, change: () => WorldGroupCall): SerializedUpdates {
  const { value: call, events } = ctx.capture(change);
  return updatesFromEvents(ctx.world, events, ctx.accountId, call);
}

/** The chat of a call, which the account must be able to see. */
function visibleCall(ctx: RequestContext, input: Api.TypeInputGroupCall): WorldGroupCall {
  const call = callFromInput(ctx, input);
  const chat = ctx.world.getChat(call.chatId);
  if (!chat) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  if (!chat.username && !ctx.world.isMember(chat.id, ctx.accountId)) {
    throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
  }
  return call;
}

/** An ended call looked up: answered as groupCallDiscarded, or refused (settings.endedCallLookup). */
function refuseEndedCallLookup(answer: WorldSettings["endedCallLookup"]): void {
  if (answer === "invalid") throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  if (answer === "forbidden") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
}

export const phoneMethods: Record<string, MethodHandler> = {
  "phone.createGroupCall": (ctx, request: Api.phone.CreateGroupCall) => {
    const chat = chatFromInputPeer(ctx, request.peer);
    return changeCall(ctx, () =>
      ctx.world.createGroupCall(
        ctx.accountId,
        chat.id,
        {
          randomId: request.randomId,
          // gramjs's reader gives null for absent optional fields.
          ...(request.title != null && { title: request.title }),
          ...(request.scheduleDate != null && { scheduleDate: request.scheduleDate }),
          rtmp: request.rtmpStream === true,
        },
        ctx.now,
      ),
    );
  },

  "phone.getGroupCall": (ctx, request: Api.phone.GetGroupCall) => {
    ctx.world.expireScheduledCalls(ctx.now);
    const call = visibleCall(ctx, request.call);
    if (call.state === "discarded") refuseEndedCallLookup(ctx.world.settings.endedCallLookup);
    const chat = ctx.world.getChat(call.chatId);
    // Participants are simulated (control API); the first `limit` of them, oldest first.
    const shown = [...call.participants].slice(0, Math.max(0, request.limit));
    return new Api.phone.GroupCall({
      call: embed(groupCallToTl(call, callViewer(ctx.world, call, ctx.accountId))),
      participants: shown.map(
        ([userId, participant]) =>
          new Api.GroupCallParticipant({
            muted: participant.muted,
            canSelfUnmute: !participant.muted,
            self: userId === ctx.accountId,
            peer: new Api.PeerUser({ userId: long(userId) }),
            date: participant.joinedAt,
            source: userId % 2 ** 31,
          }),
      ),
      participantsNextOffset: "",
      chats: chat ? [embed(chatToTl(ctx.world, chat, ctx.accountId))] : [],
      users: shown.flatMap(([userId]) => {
        const user = ctx.world.getUser(userId);
        return user ? [embed<Api.TypeUser>(userToTl(ctx.world, user, ctx.accountId))] : [];
      }),
    });
  },

  "phone.startScheduledGroupCall": (ctx, request: Api.phone.StartScheduledGroupCall) => {
    const call = callFromInput(ctx, request.call);
    return changeCall(ctx, () => ctx.world.startScheduledGroupCall(ctx.accountId, call.id, ctx.now));
  },

  "phone.discardGroupCall": (ctx, request: Api.phone.DiscardGroupCall) => {
    const call = callFromInput(ctx, request.call);
    return changeCall(ctx, () => ctx.world.discardGroupCall(ctx.accountId, call.id, ctx.now));
  },

  "phone.editGroupCallTitle": (ctx, request: Api.phone.EditGroupCallTitle) => {
    const call = callFromInput(ctx, request.call);
    return changeCall(ctx, () => ctx.world.editGroupCallTitle(ctx.accountId, call.id, request.title));
  },

  "phone.exportGroupCallInvite": (ctx, request: Api.phone.ExportGroupCallInvite) => {
    const call = visibleCall(ctx, request.call);
    return new Api.phone.ExportedGroupCallInvite({
      link: ctx.world.exportGroupCallInvite(ctx.accountId, call.id, request.canSelfUnmute === true),
    });
  },

  "phone.toggleGroupCallRecord": (ctx, request: Api.phone.ToggleGroupCallRecord) => {
    const call = callFromInput(ctx, request.call);
    return changeCall(ctx, () =>
      ctx.world.toggleGroupCallRecord(
        ctx.accountId,
        call.id,
        {
          start: request.start === true,
          ...(request.title != null && { title: request.title }),
          video: request.video === true,
          portrait: request.videoPortrait === true,
        },
        ctx.now,
      ),
    );
  },

  "phone.toggleGroupCallSettings": (ctx, request: Api.phone.ToggleGroupCallSettings) => {
    const call = callFromInput(ctx, request.call);
    return changeCall(ctx, () =>
      ctx.world.toggleGroupCallSettings(ctx.accountId, call.id, {
        // gramjs's reader gives null for an absent Bool.
        ...(request.joinMuted != null && { joinMuted: request.joinMuted }),
        resetInviteHash: request.resetInviteHash === true,
      }),
    );
  },

  // Answers the service message (video_chat_participants_invited) and the call's updateGroupCall.
  "phone.inviteToGroupCall": (ctx, request: Api.phone.InviteToGroupCall) => {
    const call = callFromInput(ctx, request.call);
    const userIds = request.users.map((input) => userFromInputUser(ctx, input).id);
    return changeCall(ctx, () => {
      ctx.world.inviteToGroupCall(ctx.accountId, call.id, userIds, ctx.now);
      return call;
    });
  },

  "phone.getGroupCallStreamRtmpUrl": (ctx, request: Api.phone.GetGroupCallStreamRtmpUrl) => {
    const chat = chatFromInputPeer(ctx, request.peer);
    assertCanSeeChat(ctx, chat);
    const { url, key } = ctx.world.getGroupCallStreamRtmpUrl(ctx.accountId, chat.id, request.revoke);
    return new Api.phone.GroupCallStreamRtmpUrl({ url, key });
  },

  "phone.toggleGroupCallStartSubscription": (ctx, request: Api.phone.ToggleGroupCallStartSubscription) => {
    const call = visibleCall(ctx, request.call);
    return changeCall(ctx, () =>
      ctx.world.toggleGroupCallStartSubscription(ctx.accountId, call.id, request.subscribed),
    );
  },
};
