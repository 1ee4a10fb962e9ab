import { Composer, type Context } from "grammy";
import type { Redis } from "ioredis";
import type { Authorise } from "../auth/authorise-requester.ts";
import { resolveManagedChat } from "../calls/resolve-managed-chat.ts";
import {
  type ChatCallSettings,
  type ChatCallSettingsStore,
  MAX_SETTING_MINUTES,
  parseMinutes,
} from "../chat-settings/chat-call-settings.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface CallAnnouncementsDeps {
  redis: Redis;
  keys: BotKeys;
  authorise: Authorise;
  settings: ChatCallSettingsStore;
  chatCacheSeconds: number;
}

const ANNOUNCE_USAGE =
  "Write /announce on, /announce off or /announce remind 15 in the group; in a private chat name the chat first: /announce @mygroup on.";
const EMPTY_USAGE = `Write /endwhenempty 5 (minutes, 1 to ${MAX_SETTING_MINUTES}) or /endwhenempty off in the group; in a private chat name the chat first: /endwhenempty @mygroup 5.`;

/**
 * A chat's settings for issue 15's announcements, reminders and ending empty calls:
 * /announce on|off (post and pin an announcement of every call scheduled there, with a
 * 🔔 Remind me button), /announce remind N (minutes before that subscribers are reminded,
 * default 10), /endwhenempty N|off (a live call empty for N minutes is ended). Alone, each
 * shows the chat's setting. Same rights as creating a call; in a private chat the first word
 * names the chat, as for /rename.
 */
export function createCallAnnouncementsFeature(deps: CallAnnouncementsDeps): Composer<Context> {
  const feature = new Composer<Context>();
  /** The chat a command is about, if the sender may manage its calls; otherwise answered why not. */
  const managedChat = async (ctx: Context & { match: string }, usage: string) => {
    const resolved = await resolveManagedChat(
      ctx,
      ctx.match,
      { ownerOnly: false, chatCacheSeconds: deps.chatCacheSeconds, usage },
      deps,
    );
    if (resolved.ok) return resolved;
    await replyToCommand(ctx, resolved.reply);
    return undefined;
  };

  feature.command("announce", async (ctx) => {
    const resolved = await managedChat(ctx, ANNOUNCE_USAGE);
    if (!resolved) return;
    const { chat } = resolved;
    const words = resolved.rest.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let change: Partial<ChatCallSettings>;
    if (words.length === 0) {
      return void (await replyToCommand(
        ctx,
        describeAnnouncements(chat.title, await deps.settings.get(chat.chatId)),
      ));
    } else if (words.length === 1 && (words[0] === "on" || words[0] === "off")) {
      change = { announce: words[0] === "on" };
    } else if (words.length === 2 && words[0] === "remind" && parseMinutes(words[1] ?? "") !== undefined) {
      change = { remindMinutes: parseMinutes(words[1] ?? "") };
    } else {
      return void (await replyToCommand(ctx, ANNOUNCE_USAGE));
    }
    const settings = await deps.settings.set(chat.chatId, change);
    await replyToCommand(ctx, `✅ ${describeAnnouncements(chat.title, settings)}`);
  });

  feature.command("endwhenempty", async (ctx) => {
    const resolved = await managedChat(ctx, EMPTY_USAGE);
    if (!resolved) return;
    const { chat } = resolved;
    const word = resolved.rest.trim().toLowerCase();
    if (word === "") {
      return void (await replyToCommand(
        ctx,
        describeEndWhenEmpty(chat.title, await deps.settings.get(chat.chatId)),
      ));
    }
    const minutes = word === "off" ? undefined : parseMinutes(word.replace(/\s*(m|min|minutes?)$/, ""));
    if (word !== "off" && minutes === undefined) return void (await replyToCommand(ctx, EMPTY_USAGE));
    const settings = await deps.settings.set(chat.chatId, { endWhenEmptyMinutes: minutes });
    await replyToCommand(ctx, `✅ ${describeEndWhenEmpty(chat.title, settings)}`);
  });

  return feature;
}

function describeAnnouncements(chatTitle: string, settings: ChatCallSettings): string {
  return settings.announce
    ? `Calls scheduled in «${chatTitle}» are announced there and pinned, with a 🔔 Remind me button; subscribers get a private message ${settings.remindMinutes} min before and when the call starts. /announce off stops it; /announce remind 15 changes the lead.`
    : `Calls scheduled in «${chatTitle}» are not announced. /announce on posts and pins an announcement of each, with a 🔔 Remind me button.`;
}

function describeEndWhenEmpty(chatTitle: string, settings: ChatCallSettings): string {
  return settings.endWhenEmptyMinutes === undefined
    ? `Live calls in «${chatTitle}» run until someone ends them. /endwhenempty 5 ends a call once nobody has been in it for 5 minutes.`
    : `A live call in «${chatTitle}» is ended once nobody has been in it for ${settings.endWhenEmptyMinutes} min (calls that start from now on; one ended by hand stays ended). /endwhenempty off stops it.`;
}
