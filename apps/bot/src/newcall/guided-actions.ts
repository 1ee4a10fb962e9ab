import { jobIdForCommand, MIN_SCHEDULE_AHEAD_SECONDS, type TargetChat } from "@callbot/shared";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { AssistantCheck, AssistantRequest } from "../assistant/assistant-for-chat.ts";
import type { Authorise } from "../auth/authorise-requester.ts";
import { DEFAULT_BOT_LIMITS } from "../bot-limits.ts";
import type { CalendarDeps } from "../calendar/place-call.ts";
import { routeScheduledCall } from "../calendar/route-scheduled-call.ts";
import type { Clock } from "../clock.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import type { RecurringRulesStore } from "../recurring/recurring-rules-store.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { resolveTargetChat } from "../targets/resolve-target-chat.ts";
import { describeParseError } from "./describe-parse-error.ts";
import type { GuidedFlowWatchdog } from "./guided-flow-watchdog.ts";
import type { KnownChats } from "./known-chats-store.ts";
import { type ChatRef, parseChatRef } from "./parse-chat-ref.ts";
import { type SubmitDeps, type SubmitOutcome, submitCallRequest } from "./submit-call-request.ts";

/*
 * What the guided /newcall does outside the conversation: look-ups, rights checks and queueing.
 * The conversation runs each of these once (conversation.external) and replays the stored answer,
 * so none of them is ever repeated by a replay.
 */

export interface GuidedActionDeps extends SubmitDeps, CalendarDeps {
  prefix: string;
  clock: Clock;
  redis: Redis;
  keys: BotKeys;
  ownerIds: readonly number[];
  authorise: Authorise;
  chatCacheSeconds: number;
  knownChats: KnownChats;
  rules: RecurringRulesStore;
  watchdog: GuidedFlowWatchdog;
  /** With several assistant accounts: whether one may make the call in the chat (assistant-for-chat.ts). */
  checkAssistant?: (request: AssistantRequest) => Promise<AssistantCheck>;
}

/** How many known chats are checked for the chat list (one cached getChatMember each). */
export const MAX_CHATS_OFFERED = 12;

export interface ChatChoice {
  /** Whether the bot knows any chat at all (to word the "type one" question). */
  anyKnown: boolean;
  /** The known chats the user may create calls in, newest first. */
  manageable: TargetChat[];
}

/** The chats the bot has served (or holds recurring rules for) that this user may manage. */
export async function listManageableChats(userId: number, deps: GuidedActionDeps): Promise<ChatChoice> {
  const byId = new Map<number, TargetChat>();
  for (const chat of await deps.knownChats.recent(MAX_CHATS_OFFERED)) byId.set(chat.chatId, chat);
  for (const chatId of await deps.rules.chatIds()) {
    if (byId.size >= MAX_CHATS_OFFERED || byId.has(chatId)) continue;
    const [rule] = await deps.rules.list(chatId);
    if (rule) byId.set(chatId, rule.target);
  }
  const chats = [...byId.values()];
  const allowed = await Promise.all(
    chats.map(async (chat) => {
      const result = await deps.authorise({ chatId: chat.chatId, userId, rtmp: false });
      return result.ok;
    }),
  );
  return { anyKnown: chats.length > 0, manageable: chats.filter((_, i) => allowed[i]) };
}

/** A chat typed by the user: parsed, looked up and authorised exactly as /newcall does. */
export async function checkTypedChat(
  api: Api,
  botId: number,
  text: string,
  userId: number,
  timeZone: string,
  deps: GuidedActionDeps,
): Promise<{ ok: true; chat: TargetChat } | { ok: false; message: string }> {
  const word = text.trim().split(/\s+/, 1)[0] ?? "";
  const ref = parseChatRef(word);
  if (!ref.ok) return { ok: false, message: describeParseError(ref.error, { timeZone }) };
  if (ref.ref.kind === "here")
    return { ok: false, message: "Name the chat by @username, t.me link or -100… id." };
  return checkChat(api, botId, ref.ref, userId, deps);
}

/**
 * A chat picked with Telegram's chat picker (chat_shared). Telegram only lists chats where the
 * user may manage video chats and the bot is a member, but that is a hint: rights change, and
 * the message may be old, so it is looked up and authorised exactly as a typed chat.
 */
export function checkSharedChat(
  api: Api,
  botId: number,
  sharedChatId: number,
  userId: number,
  deps: GuidedActionDeps,
): Promise<{ ok: true; chat: TargetChat } | { ok: false; message: string }> {
  return checkChat(api, botId, { kind: "id", chatId: sharedChatId }, userId, deps);
}

async function checkChat(
  api: Api,
  botId: number,
  ref: Exclude<ChatRef, { kind: "here" }>,
  userId: number,
  deps: GuidedActionDeps,
): Promise<{ ok: true; chat: TargetChat } | { ok: false; message: string }> {
  const resolved = await resolveTargetChat(ref, {
    api,
    redis: deps.redis,
    keys: deps.keys,
    botId,
    ttlSeconds: deps.chatCacheSeconds,
  });
  if (!resolved.ok) {
    return {
      ok: false,
      message: describeRefusal(resolved.reason, { chat: resolved.given, botUsername: deps.botUsername }),
    };
  }
  const chat = resolved.chat;
  const auth = await deps.authorise({ chatId: chat.chatId, userId, rtmp: false });
  if (!auth.ok)
    return {
      ok: false,
      message: describeRefusal(auth.reason, { chat: chat.title, botUsername: deps.botUsername }),
    };
  return {
    ok: true,
    chat: {
      chatId: chat.chatId,
      title: chat.title,
      ...(chat.username !== undefined && { username: chat.username }),
    },
  };
}

/** Whether the user may create a livestream there (the chat's owner, or an operator). */
export async function mayLivestream(
  chatId: number,
  userId: number,
  deps: GuidedActionDeps,
): Promise<boolean> {
  return (await deps.authorise({ chatId, userId, rtmp: true })).ok;
}

export interface GuidedChoices {
  userId: number;
  /** The private chat, and the /newcall message that opened the flow. */
  chatId: number;
  commandMessageId: number;
  summaryMessageId: number;
  target: TargetChat;
  title: string | undefined;
  scheduleDate: number | undefined;
  rtmp: boolean;
  autostart: boolean;
  timeZone: string;
}

export type ConfirmOutcome = SubmitOutcome | "timed-out" | "refused" | "planned" | "conflict";

/**
 * Confirm pressed: re-check what may have changed while the user answered (the flow's deadline,
 * the user's rights, a time that is now too close), then queue exactly as /newcall does, with
 * the summary message as the answer that the outcome edits.
 */
export async function confirmGuidedCall(
  api: Api,
  choices: GuidedChoices,
  nowMs: number,
  deps: GuidedActionDeps,
): Promise<ConfirmOutcome> {
  if (!(await deps.watchdog.disarm(choices.chatId))) return "timed-out";
  const summary = { chatId: choices.chatId, messageId: choices.summaryMessageId };
  const edit = (text: string) => api.editMessageText(summary.chatId, summary.messageId, text);
  const auth = await deps.authorise({
    chatId: choices.target.chatId,
    userId: choices.userId,
    rtmp: choices.rtmp,
  });
  if (!auth.ok) {
    await edit(describeRefusal(auth.reason, { chat: choices.target.title, botUsername: deps.botUsername }));
    return "refused";
  }
  const assistant = await deps.checkAssistant?.({
    chatId: choices.target.chatId,
    chatTitle: choices.target.title,
    chatUsername: choices.target.username,
    rtmp: choices.rtmp,
  });
  if (assistant?.ok === false) {
    await edit(assistant.text);
    return "refused";
  }
  if (
    choices.scheduleDate !== undefined &&
    choices.scheduleDate - nowMs / 1000 < MIN_SCHEDULE_AHEAD_SECONDS
  ) {
    await edit(
      "The time you chose has passed while we talked; nothing was created. Send /newcall to pick another.",
    );
    return "refused";
  }
  const draft = {
    requestId: jobIdForCommand(choices.chatId, choices.commandMessageId),
    requester: { userId: choices.userId, chatId: choices.chatId, messageId: choices.commandMessageId },
    target: choices.target,
    title: choices.title,
    scheduleDate: choices.scheduleDate,
    rtmp: choices.rtmp,
    autostart: choices.autostart,
    timeZone: choices.timeZone,
    now: nowMs,
  };
  // As /newcall: further ahead than Telegram holds, or overlapping another call, the calendar answers.
  if (draft.scheduleDate !== undefined) {
    const routed = await routeScheduledCall(
      { ...draft, scheduleDate: draft.scheduleDate },
      async (text, keyboard) => {
        await api.editMessageText(summary.chatId, summary.messageId, text, {
          ...(keyboard !== undefined && { reply_markup: keyboard }),
        });
      },
      {
        ...deps,
        callsRegistry: deps.callsRegistry ?? { current: async () => undefined },
        limits: { replayClaimSeconds: DEFAULT_BOT_LIMITS.replayClaimSeconds },
      },
      deps.botUsername,
    );
    if (routed === "planned" || routed === "conflict" || routed === "refused") return routed;
    if (routed === "replayed") return "replayed";
  }
  const outcome = await submitCallRequest(
    draft,
    {
      show: async (text) => {
        await edit(text);
        return summary;
      },
      edit: async (_ack, text) => {
        await edit(text);
      },
    },
    deps,
  );
  if (outcome === "cooldown") {
    await edit(describeRefusal("cooldown", { chat: choices.target.title, botUsername: deps.botUsername }));
  }
  return outcome;
}
