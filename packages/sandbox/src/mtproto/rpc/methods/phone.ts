import { Api } from "telegram";
import { TelegramRpcError, type WorldGroupCall } from "../../../world/types.ts";
import type { WorldSettings } from "../../../world/world-settings.ts";
import { type SerializedUpdates, updatesFromEvents } from "../../updates/updates-from-events.ts";
import { assertCanSeeChat, callFromInput, chatFromInputPeer } from "../peers.ts";
import type { MethodHandler, RequestContext } from "../request-context.ts";
import { chatToTl, embed, groupCallToTl } from "../tl-mappers.ts";

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
    return new Api.phone.GroupCall({
      call: embed(groupCallToTl(call, ctx.accountId)),
      // The sandbox simulates no media: nobody ever joins a call.
      participants: [],
      participantsNextOffset: "",
      chats: chat ? [embed(chatToTl(ctx.world, chat, ctx.accountId))] : [],
      users: [],
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
      link: ctx.world.exportGroupCallInvite(ctx.accountId, call.id),
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
