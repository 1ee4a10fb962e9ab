import { Composer, type Context } from "grammy";

/**
 * Last in line. In a private chat, anything not understood gets a pointer to /help. In groups
 * the bot stays silent: other people's messages and other bots' commands are none of its business.
 */
export function createUnhandledFeature(): Composer<Context> {
  const feature = new Composer<Context>();
  feature.chatType("private").on("message", async (ctx) => {
    await ctx.reply(
      "I did not understand that. Send /newcall to create a video chat, or /help for how to use me.",
    );
  });
  return feature;
}
