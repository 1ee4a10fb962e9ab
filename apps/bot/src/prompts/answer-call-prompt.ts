import type { Context, InlineKeyboard } from "grammy";
import { type ChangePlanDeps, type Changer, movePlan, renamePlan } from "../calendar/change-plan.ts";
import type { InCallCommandDeps } from "../calls/in-call-commands.ts";
import { inviteFromAnswer } from "../calls/invite-from-answer.ts";
import { typedTimeWords } from "../newcall/guided/ask-when.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";
import type { CallPrompt, CallPrompts } from "./call-prompts.ts";

export type PromptAnswerDeps = ChangePlanDeps & InCallCommandDeps & { prompts: CallPrompts };

/**
 * Takes the answer to a /calls button's question, typed by the person who tapped: a new title, a
 * new time (read as /newcall reads it, in their zone), or whom to invite. An unusable answer is
 * explained and the question asked again; anything else closes the question, and is answered as
 * the command (/renameplan, /moveplan, /invite) would be.
 */
export async function answerCallPrompt(
  ctx: Context,
  prompt: CallPrompt,
  text: string,
  deps: PromptAnswerDeps,
): Promise<void> {
  const answers: Array<{ text: string; keyboard?: InlineKeyboard }> = [];
  const say = async (answer: string, keyboard?: InlineKeyboard) => {
    answers.push({ text: answer, ...(keyboard !== undefined && { keyboard }) });
  };
  const userId = ctx.from!.id;
  const changer: Changer = {
    userId,
    timeZone: deps.timeZoneFor(userId),
    botUsername: ctx.me.username,
    show: say,
  };
  let usable: boolean;
  if (prompt.kind === "rename-plan")
    usable = await renamePlan(prompt.subject, text, changer, deps, "That title is empty.");
  else if (prompt.kind === "move-plan")
    usable = await movePlan(prompt.subject, typedTimeWords(text), changer, deps, "That is no time.");
  else usable = await inviteFromAnswer(ctx, prompt.subject, text, deps, say);

  if (!usable) {
    // The question again, with what was wrong: the reply field opens once more.
    const [why] = answers;
    await deps.prompts.ask(
      ctx.api,
      { chatId: prompt.chatId, ...(ctx.msg && { replyTo: ctx.msg.message_id }) },
      ctx.from!,
      prompt,
      why?.text ?? "I could not read that.",
    );
    return;
  }
  await deps.prompts.close(prompt);
  for (const answer of answers)
    await replyToCommand(ctx, answer.text, answer.keyboard ? { reply_markup: answer.keyboard } : {});
}
