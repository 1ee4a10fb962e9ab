import { Composer, type Context } from "grammy";
import { answerCallPrompt, type PromptAnswerDeps } from "../prompts/answer-call-prompt.ts";
import type { CallPrompt } from "../prompts/call-prompts.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

/**
 * The answers to the questions /calls buttons ask (✏️ Rename and ➡️ Move of a planned call,
 * 👥 Invite of a live one): a reply to the question by the person who tapped (in a private chat,
 * any plain message of theirs while the question is open), or /cancel, which leaves everything as
 * it was. Mounted before the guided /newcall, which would take /cancel.
 */
export function createCallPromptsFeature(deps: PromptAnswerDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command("cancel", async (ctx, next) => {
    const open = ctx.from ? await deps.prompts.openOf(ctx.chat.id, ctx.from.id) : undefined;
    if (!open) return next();
    await deps.prompts.close(open);
    await replyToCommand(ctx, "Cancelled: nothing was changed.");
  });
  feature.on("message:text", async (ctx, next) => {
    if (ctx.msg.text.startsWith("/")) return next();
    const replied = ctx.msg.reply_to_message;
    let prompt: CallPrompt | undefined;
    if (replied?.from?.id === ctx.me.id) {
      prompt = await deps.prompts.repliedTo(ctx.chat.id, replied.message_id);
    } else if (replied === undefined && ctx.chat.type === "private") {
      // Just the two of us: a plain message is the answer to the question asked here, as people
      // answer in a private chat, whether or not their app kept the reply field open.
      prompt = await deps.prompts.openOf(ctx.chat.id, ctx.from.id);
    }
    if (!prompt) return next();
    if (ctx.from.id !== prompt.userId) {
      await replyToCommand(
        ctx,
        "I asked this of the person who tapped the button, so only their answer counts. Tap the button in /calls yourself to do it.",
      );
      return;
    }
    if (deps.prompts.expired(prompt)) {
      await deps.prompts.close(prompt);
      await replyToCommand(
        ctx,
        "That question has timed out, so nothing was changed. Tap the button in /calls again.",
      );
      return;
    }
    await answerCallPrompt(ctx, prompt, ctx.msg.text, deps);
  });
  return feature;
}
