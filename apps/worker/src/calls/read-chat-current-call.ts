import type { ExistingCall } from "@callbot/shared";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { liveCallOf } from "./read-call-snapshot.ts";

/**
 * The chat's scheduled or live call, read fresh from Telegram: channelFull.call / chatFull.call
 * (present whenever the chat has one), then phone.getGroupCall for its state and title. One
 * request when the chat is free, two when it has a call. Never cached: a create in a chat that
 * has a call ends that call for everyone (core.telegram.org/api/group-calls), so a stale "free"
 * would be a meeting ended by accident.
 */
export async function readChatCurrentCall(
  invoke: InvokeTelegram,
  target: ResolvedTarget,
): Promise<ExistingCall | undefined> {
  const full = target.channel
    ? await invoke(new Api.channels.GetFullChannel({ channel: target.channel }))
    : await invoke(new Api.messages.GetFullChat({ chatId: returnBigInt(target.chat.id) }));
  const input = full.fullChat.call;
  if (!(input instanceof Api.InputGroupCall)) return undefined;
  const { call } = await invoke(new Api.phone.GetGroupCall({ call: input, limit: 1 }));
  return liveCallOf(call);
}
