import { Api } from "telegram";
import { TelegramRpcError } from "../../../world/types.ts";
import { userFromInputUser } from "../peers.ts";
import type { MethodHandler } from "../request-context.ts";
import { embed, long, userToTl } from "../tl-mappers.ts";

export const usersMethods: Record<string, MethodHandler> = {
  /** Unknown or mismatched users are left out of the vector, as Telegram does. */
  "users.getUsers": (ctx, request: Api.users.GetUsers) =>
    request.id.flatMap((input) => {
      try {
        return [userToTl(ctx.world, userFromInputUser(ctx, input), ctx.accountId)];
      } catch (error) {
        if (error instanceof TelegramRpcError) return [];
        throw error;
      }
    }),

  "users.getFullUser": (ctx, request: Api.users.GetFullUser) => {
    const user = userFromInputUser(ctx, request.id);
    const commonChats = ctx.world
      .chatsOf(ctx.accountId)
      .filter((chat) => ctx.world.isMember(chat.id, user.id));
    return new Api.users.UserFull({
      fullUser: new Api.UserFull({
        id: long(user.id),
        settings: new Api.PeerSettings({}),
        notifySettings: new Api.PeerNotifySettings({}),
        commonChatsCount: user.id === ctx.accountId ? 0 : commonChats.length,
      }),
      chats: [],
      users: [embed(userToTl(ctx.world, user, ctx.accountId))],
    });
  },
};
