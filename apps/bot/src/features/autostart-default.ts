import { Composer, type Context } from "grammy";
import type { Authorise } from "../auth/authorise-requester.ts";
import type { Clock } from "../clock.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import type { AutostartDefaults } from "../newcall/autostart-default-store.ts";
import type { KnownChats } from "../newcall/known-chats-store.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface AutostartDefaultDeps {
  defaults: AutostartDefaults;
  known: KnownChats;
  authorise: Authorise;
  clock: Clock;
}

/**
 * `/autostart on|off` in a group: whether scheduled calls there start by themselves at their time
 * when /newcall does not say `autostart`. Same rights as creating a call; `/autostart` alone
 * shows the current setting.
 */
export function createAutostartDefaultFeature(deps: AutostartDefaultDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command("autostart", async (ctx) => {
    const chat = ctx.chat;
    const reply = (text: string) => replyToCommand(ctx, text);
    if (chat.type === "private" || chat.type === "channel") {
      await reply(
        "Send /autostart on or /autostart off in the group itself: it sets whether calls scheduled there start automatically at their time.",
      );
      return;
    }
    if (ctx.msg.sender_chat !== undefined || !ctx.from) {
      await reply(describeRefusal("anonymous-admin", { chat: chat.title, botUsername: ctx.me.username }));
      return;
    }
    const word = ctx.match.trim().toLowerCase();
    if (word === "") {
      const on = await deps.defaults.get(chat.id);
      await reply(
        `Scheduled calls in «${chat.title}» ${on ? "start automatically at their time" : "do not start by themselves"}. Change it with /autostart on or /autostart off; a single /newcall … autostart always starts.`,
      );
      return;
    }
    if (word !== "on" && word !== "off") {
      await reply("Write /autostart on or /autostart off.");
      return;
    }
    const auth = await deps.authorise({ chatId: chat.id, userId: ctx.from.id, rtmp: false });
    if (!auth.ok) {
      await reply(describeRefusal(auth.reason, { chat: chat.title, botUsername: ctx.me.username }));
      return;
    }
    await deps.defaults.set(chat.id, word === "on");
    const target = {
      chatId: chat.id,
      title: chat.title,
      ...(chat.username !== undefined && { username: chat.username }),
    };
    await deps.known.remember(target, deps.clock.now()).catch(() => undefined);
    await reply(
      word === "on"
        ? `✅ Scheduled calls in «${chat.title}» will now start automatically at their time.`
        : `✅ Scheduled calls in «${chat.title}» will no longer start by themselves (unless /newcall says autostart).`,
    );
  });
  return feature;
}
