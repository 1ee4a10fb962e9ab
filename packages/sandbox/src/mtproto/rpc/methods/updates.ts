import { Api } from "telegram";
import type { MethodHandler } from "../request-context.ts";

export const updatesMethods: Record<string, MethodHandler> = {
  /**
   * The sandbox keeps no per-account update box (gramjs does not track gaps); a fresh state
   * with pts 1 tells the client there is nothing to fetch.
   */
  "updates.getState": (ctx) =>
    new Api.updates.State({ pts: 1, qts: 0, date: Math.floor(ctx.now / 1000), seq: 0, unreadCount: 0 }),
};
