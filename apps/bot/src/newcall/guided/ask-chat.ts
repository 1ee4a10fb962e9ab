import type { TargetChat } from "@callbot/shared";
import { chatPickerKeyboard } from "../chat-picker-keyboard.ts";
import { type ChatChoice, checkSharedChat, checkTypedChat, listManageableChats } from "../guided-actions.ts";
import { type Button, TYPE_CHAT } from "./ask-question.ts";
import { type GuidedFlow, withBot } from "./guided-flow.ts";

/** Step 1: the chats the user manages as buttons, a typed chat, or Telegram's chat picker. */
export async function askForChat(flow: GuidedFlow): Promise<TargetChat> {
  const choice: ChatChoice = await flow.conversation.external((outer) =>
    listManageableChats(flow.userId, withBot(flow.deps, outer)),
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
  await flow.ctx.reply(
    "Tap “Pick a group” or “Pick a channel” below to choose the chat from Telegram's list of the chats where you manage video chats and I am a member, or answer the question.",
    { reply_markup: chatPickerKeyboard() },
  );
  while (target === undefined) {
    const answer = await flow.askChat(question, buttons);
    if (answer.kind === "button") {
      const index = Number(answer.data.slice("guided:chat:".length));
      target = choice.manageable[index];
      if (target === undefined) {
        question = TYPE_CHAT;
        buttons = [];
      }
      continue;
    }
    const checked = await flow.conversation.external((outer) =>
      answer.kind === "shared"
        ? checkSharedChat(outer.api, outer.me.id, answer.chatId, flow.userId, withBot(flow.deps, outer))
        : checkTypedChat(
            outer.api,
            outer.me.id,
            answer.text,
            flow.userId,
            flow.timeZone,
            withBot(flow.deps, outer),
          ),
    );
    if (checked.ok) target = checked.chat;
    else question = `${checked.message}\n\n${TYPE_CHAT} Or /cancel.`;
  }
  await flow.ctx.reply(`The call is for «${target.title}».`, { reply_markup: { remove_keyboard: true } });
  return target;
}
