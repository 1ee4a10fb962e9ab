/** What a set-up button does: fix something, or just look again. */
export type SetupPress = "add" | "promote" | "unban" | "check";

const PRESS = /^su:(add|promote|unban|check):(-\d{1,16})$/;

/** callback_data of a set-up button: `su:<press>:<chat id>` (at most 27 bytes, under Telegram's 64). */
export function setupPressData(press: SetupPress, chatId: number): string {
  return `su:${press}:${chatId}`;
}

export function parseSetupPress(data: string): { press: SetupPress; chatId: number } | undefined {
  const match = PRESS.exec(data);
  if (!match) return undefined;
  return { press: match[1] as SetupPress, chatId: Number(match[2]) };
}
