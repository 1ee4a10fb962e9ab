import type { Sandbox, WorldMessage } from "@callbot/sandbox";

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
