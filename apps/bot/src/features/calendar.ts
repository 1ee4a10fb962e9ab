import { Composer, type Context, InlineKeyboard } from "grammy";
import type { Logger } from "pino";
import { CALENDAR_SETTING_RANGES, type CalendarSettings } from "../calendar/calendar-settings.ts";
import {
  type ChangePlanDeps,
  type Changer,
  cancelPlan,
  movePlan,
  planToChange,
  renamePlan,
} from "../calendar/change-plan.ts";
import { handleConflictPress } from "../calendar/handle-conflict-press.ts";
import { decodePlanPress } from "../calendar/plan-buttons.ts";
import { describeCall } from "../messages/describe-call.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { parseDurationSeconds } from "../newcall/parse-when.ts";
import type { CallPrompts } from "../prompts/call-prompts.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface CalendarFeatureDeps extends ChangePlanDeps {
  logger: Logger;
  timeZoneFor: (userId: number) => string;
  /** ✏️ Rename and ➡️ Move ask for the new title or time (features/call-prompts.ts takes the answer). */
  prompts: CallPrompts;
}

/**
 * The bot's calendar: /cancelplan, /renameplan and /moveplan for planned calls (their ids are in
 * /calls and in the "planned" answer), their /calls buttons, a conflict's buttons, and the
 * chat's /calendar settings (lead, end notice, default length).
 */
export function createCalendarFeature(deps: CalendarFeatureDeps): Composer<Context> {
  const feature = new Composer<Context>();
  const commandChanger = (ctx: Context): Changer | undefined => {
    if (!ctx.from || ctx.msg?.sender_chat !== undefined) return undefined;
    return {
      userId: ctx.from.id,
      timeZone: deps.timeZoneFor(ctx.from.id),
      botUsername: ctx.me.username,
      show: async (text, keyboard) => {
        await replyToCommand(ctx, text, keyboard === undefined ? {} : { reply_markup: keyboard });
      },
    };
  };
  const anonymous = (ctx: Context) =>
    replyToCommand(
      ctx,
      describeRefusal("anonymous-admin", {
        chat: ctx.chat?.title ?? "this chat",
        botUsername: ctx.me.username,
      }),
    );
  const withPlan =
    (usage: string, run: (id: string, rest: string[], changer: Changer) => Promise<void>) =>
    async (ctx: Context & { match: string }) => {
      const changer = commandChanger(ctx);
      if (!changer) return void (await anonymous(ctx));
      const [id, ...rest] = ctx.match
        .trim()
        .split(/\s+/)
        .filter((w) => w.length > 0);
      if (id === undefined || !/^p[0-9a-z]{1,10}$/i.test(id)) {
        await changer.show(`Name the planned call by its id (in /calls), like: ${usage}`);
        return;
      }
      await run(id, rest, changer);
    };

  feature.command(
    "cancelplan",
    withPlan("/cancelplan p3", (id, _rest, changer) => cancelPlan(id, changer, deps)),
  );
  feature.command(
    "renameplan",
    withPlan("/renameplan p3 New title", async (id, rest, changer) => {
      await renamePlan(id, rest.join(" "), changer, deps);
    }),
  );
  feature.command(
    "moveplan",
    withPlan("/moveplan p3 next friday 19:00", async (id, rest, changer) => {
      await movePlan(id, rest, changer, deps);
    }),
  );
  feature.command("calendar", (ctx) => handleCalendarSettings(ctx, deps));

  feature.callbackQuery(/^cf:/, async (ctx) => {
    await handleConflictPress(
      ctx.callbackQuery.data,
      {
        userId: ctx.from.id,
        timeZone: deps.timeZoneFor(ctx.from.id),
        botUsername: ctx.me.username,
        show: async (text, keyboard) => {
          await ctx.editMessageText(text, { reply_markup: keyboard ?? new InlineKeyboard() });
        },
        answer: async (text) => {
          await ctx.answerCallbackQuery(text === undefined ? {} : { text, show_alert: true });
        },
      },
      deps,
    );
  });

  feature.callbackQuery(/^pl:/, async (ctx) => {
    const press = decodePlanPress(ctx.callbackQuery.data);
    if (!press) return void (await ctx.answerCallbackQuery());
    const timeZone = deps.timeZoneFor(ctx.from.id);
    if (press.press !== "cancel") {
      // Rights and the plan's state are checked now, so nobody is asked a question in vain.
      const plan = await planToChange(
        press.planId,
        {
          userId: ctx.from.id,
          timeZone,
          botUsername: ctx.me.username,
          show: async (text) => void (await ctx.answerCallbackQuery({ text, show_alert: true })),
        },
        deps,
      );
      if (!plan) return;
      await ctx.answerCallbackQuery();
      const what = `the planned ${describeCall({ title: plan.title, rtmp: plan.rtmp })} (${plan.id}) in «${plan.target.title}»`;
      await deps.prompts.ask(
        ctx.api,
        { chatId: ctx.chat?.id ?? ctx.from.id, ...(ctx.msg && { replyTo: ctx.msg.message_id }) },
        ctx.from,
        {
          kind: press.press === "rename" ? "rename-plan" : "move-plan",
          subject: plan.id,
          question:
            press.press === "rename"
              ? `send the new title of ${what} as a reply to this message (up to 64 characters). /cancel leaves it as it is.`
              : `when should ${what} take place? Reply to this message with a time as for /newcall: 18:00, tomorrow 18:30, next friday 19:00, on 15 jan 18:00, in 3 weeks (read in ${timeZone}); add "for 1h" or "until 20:00" to set its end. /cancel leaves it as it is.`,
        },
      );
      return;
    }
    await ctx.answerCallbackQuery();
    await cancelPlan(
      press.planId,
      {
        userId: ctx.from.id,
        timeZone,
        botUsername: ctx.me.username,
        show: async (text) => {
          await ctx.reply(text);
        },
      },
      deps,
    );
  });
  return feature;
}

const SETTING_WORDS: Record<string, keyof CalendarSettings> = {
  lead: "leadSeconds",
  notice: "endNoticeSeconds",
  length: "defaultLengthSeconds",
};

/** `/calendar` in a group: shows the chat's settings; `/calendar lead 2d|notice 10m|length 90m` changes one. */
async function handleCalendarSettings(
  ctx: Context & { match: string },
  deps: CalendarFeatureDeps,
): Promise<void> {
  const chat = ctx.chat;
  const reply = (text: string) => replyToCommand(ctx, text);
  if (!chat || chat.type === "private" || chat.type === "channel") {
    await reply("Send /calendar in the group itself: it shows and changes that chat's calendar settings.");
    return;
  }
  if (!ctx.from || ctx.msg?.sender_chat !== undefined) {
    await reply(describeRefusal("anonymous-admin", { chat: chat.title, botUsername: ctx.me.username }));
    return;
  }
  const auth = await deps.authorise({ chatId: chat.id, userId: ctx.from.id, rtmp: false });
  if (!auth.ok) {
    await reply(describeRefusal(auth.reason, { chat: chat.title, botUsername: ctx.me.username }));
    return;
  }
  const [word, ...amount] = ctx.match
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  let settings = await deps.calendarSettings.get(chat.id);
  if (word !== undefined) {
    const name = SETTING_WORDS[word];
    const seconds = parseDurationSeconds(amount);
    const range = name === undefined ? undefined : CALENDAR_SETTING_RANGES[name];
    if (name === undefined || seconds === undefined || range === undefined) {
      await reply("Write /calendar lead 3d, /calendar notice 10m (0m: none) or /calendar length 90m.");
      return;
    }
    if (seconds < range.min || seconds > range.max) {
      await reply(
        `That ${word} is out of range: ${describeSeconds(range.min)} to ${describeSeconds(range.max)}.`,
      );
      return;
    }
    settings = await deps.calendarSettings.set(chat.id, { [name]: seconds });
  }
  await reply(
    [
      `🗓 Calendar of «${chat.title}»${word === undefined ? "" : " (changed)"}:`,
      `lead ${describeSeconds(settings.leadSeconds)}: a planned call appears in Telegram this long before it starts (Telegram allows 8 days at most)`,
      `notice ${describeSeconds(settings.endNoticeSeconds)}: how long before a set end (for 30m, until 19:30) I say the call ends soon`,
      `length ${describeSeconds(settings.defaultLengthSeconds)}: how long a call without a set end is taken to last, to tell overlapping calls`,
      "Change one with /calendar lead 3d, /calendar notice 10m or /calendar length 90m.",
    ].join("\n"),
  );
}

function describeSeconds(total: number): string {
  if (total === 0) return "none";
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const parts = [
    days > 0 ? `${days} d` : "",
    hours > 0 ? `${hours} h` : "",
    minutes > 0 ? `${minutes} min` : "",
  ];
  return parts.filter((p) => p !== "").join(" ") || `${total} s`;
}
