/** What a set-up button does: fix something, or just look again. */
export type SetupPress = "add" | "promote" | "unban" | "check";

const PRESS = /^su:(add|promote|unban|check):(-\d{1,16})(?::(\d{1,16}))?$/;

/**
 * callback_data of a set-up button: `su:<press>:<chat id>`, and `:<account id>` when it fixes one
 * of several assistant accounts (at most 44 bytes, under Telegram's 64).
 */
export function setupPressData(press: SetupPress, chatId: number, accountId?: number): string {
  return accountId === undefined ? `su:${press}:${chatId}` : `su:${press}:${chatId}:${accountId}`;
}

export function parseSetupPress(
  data: string,
): { press: SetupPress; chatId: number; accountId?: number } | undefined {
  const match = PRESS.exec(data);
  if (!match) return undefined;
  const press = { press: match[1] as SetupPress, chatId: Number(match[2]) };
  return match[3] === undefined ? press : { ...press, accountId: Number(match[3]) };
}
