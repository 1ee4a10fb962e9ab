import type { ExistingCall } from "@callbot/shared";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { liveCallOf } from "./read-call-snapshot.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

/**
 * How phone.getGroupCall may refuse a call that has ended: Telegram documents 400
 * GROUPCALL_INVALID and 403 GROUPCALL_FORBIDDEN for it without saying which an ended call gets
 * (the sandbox's world setting endedCallLookup). FORBIDDEN also means "you may not see this
 * call", so neither is read as "ended" on its own: see callIsNoLongerTheChats.
 */
const ENDED_CALL_LOOKUP_REFUSALS = new Set(["GROUPCALL_INVALID", "GROUPCALL_FORBIDDEN"]);

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
  afterRefusal = false,
): Promise<ExistingCall | undefined> {
  const input = await readChatCallRef(invoke, target);
  if (!input) return undefined;
  try {
    const { call } = await invoke(new Api.phone.GetGroupCall({ call: input, limit: 1 }));
    return liveCallOf(call);
  } catch (error) {
    // The call may have ended between the two reads, and Telegram may refuse to look up an ended
    // call. Read the chat once more: a chat that is free now is free, a new call is read, and a
    // chat that still names the refused call is a real refusal (thrown: a create must not guess).
    if (afterRefusal || !ENDED_CALL_LOOKUP_REFUSALS.has(readTelegramFailure(error).errorName)) throw error;
    return readChatCurrentCall(invoke, target, true);
  }
}

/**
 * Whether a call phone.getGroupCall refused (GROUPCALL_INVALID or GROUPCALL_FORBIDDEN) has ended:
 * true when the chat no longer names it as its call (channelFull.call / chatFull.call). While the
 * chat still names it, the refusal means the account lost access, and is not read as "ended".
 * Any other error, or a failure of the chat read itself, is not "ended" either (the caller throws).
 */
export async function refusedCallHasEnded(
  invoke: InvokeTelegram,
  target: ResolvedTarget,
  callId: string,
  error: unknown,
): Promise<boolean> {
  if (!ENDED_CALL_LOOKUP_REFUSALS.has(readTelegramFailure(error).errorName)) return false;
  const current = await readChatCallRef(invoke, target);
  return current === undefined || current.id.toString() !== callId;
}

/** The chat's scheduled or live call as Telegram names it in the full chat, if any. */
export async function readChatCallRef(
  invoke: InvokeTelegram,
  target: ResolvedTarget,
): Promise<Api.InputGroupCall | undefined> {
  const full = target.channel
    ? await invoke(new Api.channels.GetFullChannel({ channel: target.channel }))
    : await invoke(new Api.messages.GetFullChat({ chatId: returnBigInt(target.chat.id) }));
  const input = full.fullChat.call;
  return input instanceof Api.InputGroupCall ? input : undefined;
}
