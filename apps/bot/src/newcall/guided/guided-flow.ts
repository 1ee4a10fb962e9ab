import type { Context } from "grammy";
import type { Clock } from "../../clock.ts";
import type { AutostartDefaults } from "../autostart-default-store.ts";
import type { GuidedActionDeps } from "../guided-actions.ts";
import type { GuidedFlowWatchdog } from "../guided-flow-watchdog.ts";
import { askForChat } from "./ask-chat.ts";
import { askForKind } from "./ask-kind.ts";
import { type Answer, askQuestion, type Button, type GuidedConversation } from "./ask-question.ts";
import { askForTitle } from "./ask-title.ts";
import { askWhen } from "./ask-when.ts";
import { confirmAndQueue } from "./confirm.ts";

export interface GuidedNewCallDeps extends Omit<GuidedActionDeps, "botUsername"> {
  prefix: string;
  timeZoneFor: (userId: number) => string;
  clock: Clock;
  autostartDefaults: AutostartDefaults;
  watchdog: GuidedFlowWatchdog;
  timeoutMs: number;
}

/** One run of the flow: who asks, where, and how a question is put. */
export interface GuidedFlow {
  conversation: GuidedConversation;
  ctx: Context;
  deps: GuidedNewCallDeps;
  userId: number;
  /** The private chat the flow runs in. */
  chatId: number;
  commandMessageId: number;
  timeZone: string;
  /** A question answered by a button or a typed text. */
  ask(
    text: string,
    buttons: Button[][],
    options?: { echo?: boolean },
  ): Promise<Exclude<Answer, { kind: "shared" }>>;
  /** The chat question, which Telegram's chat picker may also answer. */
  askChat(text: string, buttons: Button[][]): Promise<Answer>;
}

/**
 * The guided /newcall, one step a file: the chat, the title, when, the kind of call, then the
 * summary and Create. The conversations plugin replays this function on every answer, so each
 * side effect outside the conversation runs through `conversation.external`.
 */
export async function guidedNewCall(
  conversation: GuidedConversation,
  ctx: Context,
  deps: GuidedNewCallDeps,
): Promise<void> {
  const userId = ctx.from?.id;
  const chatId = ctx.chat?.id;
  const commandMessageId = ctx.msg?.message_id;
  if (userId === undefined || chatId === undefined || commandMessageId === undefined) return;
  const timeZone = await conversation.external(() => deps.timeZoneFor(userId));
  const flow: GuidedFlow = {
    conversation,
    ctx,
    deps,
    userId,
    chatId,
    commandMessageId,
    timeZone,
    ask: (text, buttons, options = {}) =>
      // Without acceptShared, askQuestion never answers "shared".
      askQuestion(conversation, ctx, deps, chatId, text, buttons, {
        echo: options.echo ?? true,
        acceptShared: false,
      }) as Promise<Exclude<Answer, { kind: "shared" }>>,
    askChat: (text, buttons) =>
      askQuestion(conversation, ctx, deps, chatId, text, buttons, { echo: true, acceptShared: true }),
  };
  const chat = await askForChat(flow);
  const title = await askForTitle(flow, chat);
  const scheduleDate = await askWhen(flow);
  const rtmp = await askForKind(flow, chat);
  await confirmAndQueue(flow, { chat, title, scheduleDate, rtmp });
}

/** The actions name the bot in their messages ("add @bot to the chat"). */
export function withBot(deps: GuidedNewCallDeps, outer: Context): GuidedActionDeps {
  return { ...deps, botUsername: outer.me.username };
}
