import { Composer, type Context } from "grammy";
import type { Redis } from "ioredis";
import { knownAssistants } from "../assistant/known-assistants.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import { splitLongText } from "../telegram/split-long-text.ts";
import { renderHelp, renderStart } from "./help-text.ts";

export interface StartHelpDeps {
  redis: Redis;
  prefix: string;
  timeZoneFor: (userId: number) => string;
}

/** /start and /help: one sendMessage each (two since the help outgrew one message); the assistants' names come from Redis, not Telegram. */
export function createStartHelpFeature(deps: StartHelpDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command(["start", "help"], async (ctx) => {
    const facts = {
      botUsername: ctx.me.username,
      assistants: (await knownAssistants(deps.redis, deps.prefix)).map((a) => a.name),
      timeZone: deps.timeZoneFor(ctx.from?.id ?? 0),
    };
    const isStart = ctx.msg.text?.startsWith("/start") ?? false;
    // The help outgrew one message (4096 characters): it goes in parts, at paragraph breaks.
    const [first = "", ...more] = splitLongText(isStart ? renderStart(facts) : renderHelp(facts));
    await replyToCommand(ctx, first);
    for (const part of more) await ctx.reply(part);
  });
  return feature;
}
