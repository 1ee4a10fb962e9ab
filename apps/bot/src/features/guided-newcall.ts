import type { TargetChat } from "@callbot/shared";
import {
  type Conversation,
  type ConversationData,
  type ConversationFlavor,
  conversations,
  createConversation,
  type VersionedState,
} from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { Composer, type Context, InlineKeyboard, type MiddlewareFn } from "grammy";
import type { Clock } from "../clock.ts";
import { describeCall } from "../messages/describe-call.ts";
import { formatScheduleTime } from "../messages/format-time.ts";
import type { AutostartDefaults } from "../newcall/autostart-default-store.ts";
import { chatPickerKeyboard, PICKER_REQUEST_IDS } from "../newcall/chat-picker-keyboard.ts";
import { cleanTitle } from "../newcall/clean-title.ts";
import { describeParseError } from "../newcall/describe-parse-error.ts";
import {
  type ChatChoice,
  checkSharedChat,
  checkTypedChat,
  confirmGuidedCall,
  type GuidedActionDeps,
  listManageableChats,
  mayLivestream,
} from "../newcall/guided-actions.ts";
import type { GuidedFlowWatchdog } from "../newcall/guided-flow-watchdog.ts";
import { looksLikeClock, parseClock, parseWhen } from "../newcall/parse-when.ts";

type OuterContext = ConversationFlavor<Context>;
type GuidedConversation = Conversation<OuterContext, Context>;

export const GUIDED_NEWCALL_ID = "guided-newcall";

export interface GuidedNewCallDeps extends Omit<GuidedActionDeps, "botUsername"> {
  prefix: string;
  timeZoneFor: (userId: number) => string;
  clock: Clock;
  autostartDefaults: AutostartDefaults;
  watchdog: GuidedFlowWatchdog;
  timeoutMs: number;
}

/** Where the conversations plugin keeps a private chat's flow (the watchdog clears it on time-out). */
export function guidedConversationKey(prefix: string, chatId: number): string {
  return `${prefix}:bot:conversation:${chatId}`;
}

/**
 * `/newcall` without arguments in the private chat: a guided flow (grammY conversations v2, state
 * in Redis) that asks for the chat, the title, the time and the kind of call, shows a summary,
 * and queues nothing before Confirm. /cancel or the Cancel button ends it at every step; the
 * watchdog ends it after `timeoutMs` without an answer.
 *
 * `enter` starts the flow (the /newcall handler calls it after the rate limiter).
 */
export function createGuidedNewCallFeature(deps: GuidedNewCallDeps): {
  composer: Composer<Context>;
  enter(ctx: Context): Promise<void>;
} {
  const composer = new Composer<Context>();
  const privateChats = composer.filter((ctx) => ctx.chat?.type === "private");
  // A conversation replays its state per chat: two updates of one chat must not run at once
  // (the runner handles updates concurrently).
  privateChats.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  privateChats.use(
    asPlainMiddleware(
      conversations<OuterContext, Context>({
        storage: {
          type: "key",
          // Bump when the flow's steps change, so a flow stored by an older version is dropped.
          version: 2,
          prefix: `${deps.prefix}:bot:conversation:`,
          adapter: new RedisAdapter<VersionedState<ConversationData>>({
            instance: deps.redis,
            // The state outlives the watchdog only by a margin; nothing stays if the process dies.
            ttl: Math.ceil(deps.timeoutMs / 1000) + 120,
          }),
        },
      }),
    ),
  );
  privateChats.use(
    asPlainMiddleware(
      createConversation<OuterContext, Context>(
        (conversation, ctx) => guidedNewCall(conversation as GuidedConversation, ctx, deps),
        // Back-up for a lost watchdog timer (process restart): an answer after the time-out ends the flow.
        { id: GUIDED_NEWCALL_ID, maxMillisecondsToWait: deps.timeoutMs },
      ),
    ),
  );
  // An open flow takes /cancel itself; this answers it when there is none.
  privateChats.command("cancel", async (ctx) => {
    await ctx.reply("There is nothing to cancel. Send /newcall to create a call step by step.");
  });
  // A button of a flow that ended (cancelled, timed out, finished) must still get an answer.
  composer.callbackQuery(/^guided:/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: "This guided /newcall has ended. Send /newcall to start again." });
  });

  return {
    composer,
    async enter(ctx) {
      const controls = (ctx as OuterContext).conversation;
      // A second /newcall restarts the flow rather than failing on the one still open.
      if (controls.active(GUIDED_NEWCALL_ID) > 0) {
        await controls.exit(GUIDED_NEWCALL_ID);
        if (ctx.chat) await deps.watchdog.disarm(ctx.chat.id);
      }
      await controls.enter(GUIDED_NEWCALL_ID);
    },
  };
}

/** The plugin types its middleware for the flavoured context; at run time it is ordinary middleware. */
function asPlainMiddleware(middleware: MiddlewareFn<OuterContext>): MiddlewareFn<Context> {
  return middleware as unknown as MiddlewareFn<Context>;
}

const CANCEL = "guided:cancel";
const TYPE_CHAT =
  "Send the chat's @username, its t.me link or its -100… id. I must be a member of it, and you its owner or an admin with the “Manage video chats” right.";

/** An answer, and the question message it answers. */
type Answer = (
  | { kind: "button"; data: string }
  | { kind: "text"; text: string }
  /** A chat picked with Telegram's chat picker (chat_shared). */
  | { kind: "shared"; chatId: number }
) & {
  promptMessageId: number;
};
interface Button {
  text: string;
  data: string;
}

async function guidedNewCall(
  conversation: GuidedConversation,
  ctx: Context,
  deps: GuidedNewCallDeps,
): Promise<void> {
  const userId = ctx.from?.id;
  const chatId = ctx.chat?.id;
  const commandMessageId = ctx.msg?.message_id;
  if (userId === undefined || chatId === undefined || commandMessageId === undefined) return;
  const timeZone = await conversation.external(() => deps.timeZoneFor(userId));
  const ask = (text: string, buttons: Button[][], options: { echo?: boolean } = {}) =>
    // Without acceptShared, askQuestion never answers "shared".
    askQuestion(conversation, ctx, deps, chatId, text, buttons, {
      echo: options.echo ?? true,
      acceptShared: false,
    }) as Promise<Exclude<Answer, { kind: "shared" }>>;
  const askChat = (text: string, buttons: Button[][]) =>
    askQuestion(conversation, ctx, deps, chatId, text, buttons, { echo: true, acceptShared: true });

  // 1. The chat.
  const choice: ChatChoice = await conversation.external((outer) =>
    listManageableChats(userId, withBot(deps, outer)),
  );
  let target: TargetChat | undefined;
  let question: string;
  let buttons: Button[][];
  if (choice.manageable.length > 0) {
    question = "Let's create a call. Which chat is it for?";
    buttons = [
      ...choice.manageable.map((chat, i) => [{ text: chat.title, data: `guided:chat:${i}` }]),
      [{ text: "Another chat…", data: "guided:chat:other" }],
    ];
  } else if (choice.anyKnown) {
    question = `You do not manage any of the chats I serve: a call needs the chat's owner, or an admin with the “Manage video chats” right.\nIf I am in another chat you manage: ${TYPE_CHAT}`;
    buttons = [];
  } else {
    question = `Let's create a call. I do not know any of your chats yet. ${TYPE_CHAT}`;
    buttons = [];
  }
  await ctx.reply(
    "Tap “Pick a group” or “Pick a channel” below to choose the chat from Telegram's list of the chats where you manage video chats and I am a member, or answer the question.",
    { reply_markup: chatPickerKeyboard() },
  );
  while (target === undefined) {
    const answer = await askChat(question, buttons);
    if (answer.kind === "button") {
      const index = Number(answer.data.slice("guided:chat:".length));
      target = choice.manageable[index];
      if (target === undefined) {
        question = TYPE_CHAT;
        buttons = [];
      }
      continue;
    }
    const checked = await conversation.external((outer) =>
      answer.kind === "shared"
        ? checkSharedChat(outer.api, outer.me.id, answer.chatId, userId, withBot(deps, outer))
        : checkTypedChat(outer.api, outer.me.id, answer.text, userId, timeZone, withBot(deps, outer)),
    );
    if (checked.ok) target = checked.chat;
    else question = `${checked.message}\n\n${TYPE_CHAT} Or /cancel.`;
  }
  const chat = target;
  await ctx.reply(`The call is for «${chat.title}».`, { reply_markup: { remove_keyboard: true } });

  // 2. The title.
  let title: string | undefined;
  question = `Title of the call in «${chat.title}»? Send it (up to 64 characters), or keep the chat's name.`;
  for (;;) {
    const answer = await ask(question, [[{ text: "Use the chat's name", data: "guided:title:chat" }]]);
    if (answer.kind === "button") break;
    const cleaned = cleanTitle(answer.text);
    if (cleaned.ok) {
      title = cleaned.title;
      break;
    }
    question = `That title is ${cleaned.error.length} characters long; Telegram allows at most ${cleaned.error.max}. Send a shorter one, or keep the chat's name.`;
  }

  // 3. When.
  let scheduleDate: number | undefined;
  question = `When? Pick one, or send a time like 18:00, at 6pm, tomorrow 18:30, in 2h or 2026-12-01 18:00 (read in ${timeZone}).`;
  const whenButtons: Button[][] = [
    [
      { text: "Now", data: "guided:when:now" },
      { text: "In 1 hour", data: "guided:when:1h" },
      { text: "Tomorrow 18:00", data: "guided:when:tomorrow" },
    ],
  ];
  for (;;) {
    const answer = await ask(question, whenButtons);
    const now = await conversation.external(() => deps.clock.now());
    if (answer.kind === "button") {
      if (answer.data === "guided:when:1h") scheduleDate = Math.floor(now / 1000) + 3600;
      if (answer.data === "guided:when:tomorrow") {
        const tomorrow = parseWhen(["tomorrow", "18:00"], { now, timeZone });
        if (tomorrow.ok) scheduleDate = tomorrow.scheduleDate;
      }
      break;
    }
    const when = parseWhen(typedTimeWords(answer.text), { now, timeZone });
    if (when.ok) {
      scheduleDate = when.scheduleDate;
      break;
    }
    question = `${describeParseError(when.error, { timeZone })}\nPick one of the buttons, or send another time.`;
  }

  // 4. Livestream or not: only offered to whoever may create one there.
  let rtmp = false;
  if (await conversation.external((outer) => mayLivestream(chat.chatId, userId, withBot(deps, outer)))) {
    question = "A video chat, or a livestream fed from OBS or similar (RTMP)?";
    for (;;) {
      const answer = await ask(question, [
        [
          { text: "Video chat", data: "guided:kind:video" },
          { text: "Livestream (RTMP)", data: "guided:kind:rtmp" },
        ],
      ]);
      if (answer.kind === "button") {
        rtmp = answer.data === "guided:kind:rtmp";
        break;
      }
      question = "Please press Video chat or Livestream (RTMP), or /cancel.";
    }
  }

  // 5. Confirm.
  const autostart =
    scheduleDate !== undefined &&
    (await conversation.external(() => deps.autostartDefaults.get(chat.chatId)));
  const whenText =
    scheduleDate === undefined
      ? "now"
      : `${formatScheduleTime(scheduleDate, timeZone)}${autostart ? ", starts automatically (the chat's default)" : ""}`;
  const summary = [
    "Please check:",
    `Chat: «${chat.title}»`,
    `Call: ${describeCall({ title, rtmp })}${title === undefined ? " (titled with the chat's name)" : ""}`,
    `When: ${whenText}`,
    "Nothing is created until you press Create.",
  ].join("\n");
  let summaryText = summary;
  for (;;) {
    const answer = await ask(summaryText, [[{ text: "✅ Create", data: "guided:confirm" }]], { echo: false });
    if (answer.kind === "button") {
      const summaryMessageId = answer.promptMessageId;
      await conversation.external(async (outer) =>
        confirmGuidedCall(
          outer.api,
          {
            userId,
            chatId,
            commandMessageId,
            summaryMessageId,
            target: chat,
            title,
            scheduleDate,
            rtmp,
            autostart,
            timeZone,
          },
          deps.clock.now(),
          withBot(deps, outer),
        ),
      );
      return;
    }
    summaryText = `${summary}\n\nPlease press Create, or Cancel.`;
  }
}

/** The actions name the bot in their messages ("add @bot to the chat"). */
function withBot(deps: GuidedNewCallDeps, outer: Context): GuidedActionDeps {
  return { ...deps, botUsername: outer.me.username };
}

/** "18:00" or "6pm" alone means "at 18:00"; everything else goes to the /newcall time parser. */
function typedTimeWords(text: string): string[] {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  const first = words[0]?.toLowerCase();
  const alone = words.length === 1 || (words.length === 2 && /^(am|pm)$/i.test(words[1] ?? ""));
  if (first !== undefined && alone && looksLikeClock(first) && parseClock(words.join("").toLowerCase())) {
    return ["at", ...words];
  }
  return words;
}

/**
 * Sends one question with its buttons (and Cancel), starts the time-out, and waits for an answer
 * from this flow: a button of THIS question or a typed text. Other bots' features keep working
 * meanwhile: their commands and buttons are passed on untouched (skip with next).
 */
async function askQuestion(
  conversation: GuidedConversation,
  ctx: Context,
  deps: GuidedNewCallDeps,
  chatId: number,
  text: string,
  buttons: Button[][],
  { echo, acceptShared }: { echo: boolean; acceptShared: boolean },
): Promise<Answer> {
  const keyboard = new InlineKeyboard();
  for (const row of buttons) {
    for (const button of row) keyboard.text(button.text, button.data);
    keyboard.row();
  }
  keyboard.text("Cancel", CANCEL);
  const prompt = await ctx.reply(text, { reply_markup: keyboard });
  await conversation.external((outer) => deps.watchdog.arm(outer.api, chatId, prompt.message_id));

  for (;;) {
    const next = await conversation.wait();
    const query = next.callbackQuery;
    if (query?.data !== undefined) {
      if (!query.data.startsWith("guided:")) await conversation.skip({ next: true });
      if (query.message?.message_id !== prompt.message_id) {
        await next.answerCallbackQuery({ text: "That button belongs to an earlier question." });
        continue;
      }
      await next.answerCallbackQuery();
      if (query.data === CANCEL) await cancel(conversation, ctx, deps, chatId, prompt.message_id, text);
      if (echo) {
        const label = buttons.flat().find((b) => b.data === query.data)?.text ?? "";
        await ctx.api.editMessageText(chatId, prompt.message_id, `${text}\n→ ${label}`);
      }
      return { kind: "button", data: query.data, promptMessageId: prompt.message_id };
    }
    const typed = next.message?.text;
    if (typed !== undefined) {
      if (/^\/cancel(?:@\w+)?(?:\s|$)/i.test(typed)) {
        await cancel(conversation, ctx, deps, chatId, prompt.message_id, text);
      }
      // Other commands (/help, /calls, a full /newcall …) belong to the other features.
      if (typed.startsWith("/")) await conversation.skip({ next: true });
      await ctx.api.editMessageReplyMarkup(chatId, prompt.message_id);
      return { kind: "text", text: typed, promptMessageId: prompt.message_id };
    }
    const shared = next.message?.chat_shared;
    if (shared !== undefined && acceptShared && PICKER_REQUEST_IDS.includes(shared.request_id)) {
      await ctx.api.editMessageReplyMarkup(chatId, prompt.message_id);
      return { kind: "shared", chatId: shared.chat_id, promptMessageId: prompt.message_id };
    }
    if (next.message) {
      await next.reply("Please answer with a message or one of the buttons, or send /cancel.");
      continue;
    }
    await conversation.skip({ next: true });
  }
}

async function cancel(
  conversation: GuidedConversation,
  ctx: Context,
  deps: GuidedNewCallDeps,
  chatId: number,
  promptMessageId: number,
  promptText: string,
): Promise<never> {
  await conversation.external(() => deps.watchdog.disarm(chatId));
  await ctx.api.editMessageText(chatId, promptMessageId, `${promptText}\n→ Cancelled`);
  await ctx.reply("Cancelled. Nothing was created. Send /newcall to start again.", {
    reply_markup: { remove_keyboard: true },
  });
  return conversation.halt();
}
