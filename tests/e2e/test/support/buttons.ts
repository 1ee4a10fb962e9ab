import type { Sandbox, WorldMessage } from "@callbot/sandbox";
import { waitFor } from "@callbot/test-support";
import type { Pipeline } from "./pipeline.ts";

type Keyboard = { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> };

/** The inline button of a bot message whose label contains `label`. */
export function buttonOf(
  message: WorldMessage,
  label: string,
): { text: string; callback_data?: string } | undefined {
  return (message.replyMarkup as Keyboard | undefined)?.inline_keyboard
    ?.flat()
    .find((b) => b.text.includes(label));
}

/** Presses that button as user `from`, as a Telegram client would; answers the bot's callback answer. */
export async function pressLabelled(sandbox: Sandbox, from: number, message: WorldMessage, label: string) {
  const data = buttonOf(message, label)?.callback_data;
  if (!data) throw new Error(`no ${label} button on: ${message.text}`);
  const pressed = await sandbox.pressButton({ from, chatId: message.chatId, messageId: message.id, data });
  return pressed.answer;
}

/**
 * Sends /calls as `from` in `chatId` until its list offers `label` (the calls registry follows
 * the worker's results and Telegram's service messages, so a fresh call may take a moment).
 */
export function listWithButton(
  p: Pipeline,
  from: number,
  chatId: number,
  label: string,
): Promise<WorldMessage> {
  return waitFor(async () => {
    const { reply } = await p.ask(from, chatId, "/calls");
    if (!buttonOf(reply, label)) throw new Error(`/calls offers no ${label}: ${reply.text}`);
    return reply;
  }, `/calls offering ${label}`);
}
