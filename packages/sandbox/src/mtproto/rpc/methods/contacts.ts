import { Api } from "telegram";
import { TelegramRpcError } from "../../../world/types.ts";
import type { MethodHandler } from "../request-context.ts";
import { chatToTl, embed, long, peerOfChat, userToTl } from "../tl-mappers.ts";

export const contactsMethods: Record<string, MethodHandler> = {
  "contacts.resolveUsername": (ctx, request: Api.contacts.ResolveUsername) => {
    const resolved = ctx.world.resolveUsername(request.username);
    if (!resolved) throw new TelegramRpcError(400, "USERNAME_NOT_OCCUPIED");
    if (resolved.kind === "user") {
      return new Api.contacts.ResolvedPeer({
        peer: new Api.PeerUser({ userId: long(resolved.user.id) }),
        chats: [],
        users: [embed(userToTl(ctx.world, resolved.user, ctx.accountId))],
      });
    }
    return new Api.contacts.ResolvedPeer({
      peer: peerOfChat(resolved.chat),
      chats: [embed(chatToTl(ctx.world, resolved.chat, ctx.accountId))],
      users: [],
    });
  },
};
