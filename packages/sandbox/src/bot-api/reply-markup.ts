import { badRequest } from "./bot-api-error.ts";

const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

/** callback_data is limited to 1-64 bytes (UTF-8), a limit bots often meet with long ids. */
const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * Validates reply_markup the way Telegram refuses it. Returns the markup to store, or undefined
 * when there is none (an empty inline keyboard removes it).
 */
export function validateReplyMarkup(markup: unknown): unknown {
  if (markup === undefined || markup === null) return undefined;
  if (typeof markup !== "object") throw badRequest("can't parse reply keyboard markup JSON object");
  const keyboard = (markup as { inline_keyboard?: unknown }).inline_keyboard;
  if (keyboard === undefined) return markup;
  if (!Array.isArray(keyboard) || !keyboard.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
  }
  for (const row of keyboard as unknown[][]) {
    for (const button of row) validateButton(button);
  }
  return (keyboard as unknown[][]).some((row) => row.length > 0) ? markup : undefined;
}

function validateButton(button: unknown): void {
  if (typeof button !== "object" || button === null) throw badRequest("can't parse inline keyboard button");
  const fields = button as Record<string, unknown>;
  if (typeof fields.text !== "string" || fields.text.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text must be non-empty");
  }
  const actions = BUTTON_ACTIONS.filter((name) => fields[name] !== undefined);
  if (actions.length !== 1) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (actions[0] === "callback_data") {
    const data = fields.callback_data;
    const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest("BUTTON_DATA_INVALID");
  }
  if (actions[0] === "url" && !/^(https?|tg):\/\/\S+$/.test(String(fields.url))) {
    throw badRequest("inline keyboard button URL is invalid");
  }
}
