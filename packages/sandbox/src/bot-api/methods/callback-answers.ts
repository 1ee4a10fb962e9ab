import type { BotApiMethod } from "../bot-api-context.ts";
import { badRequest } from "../bot-api-error.ts";

/** Telegram shows at most 200 characters of an answer's text. */
const MAX_ANSWER_TEXT = 200;

export const answerCallbackQuery: BotApiMethod = ({ callbacks }, { params }) => {
  const id = params.optString("callback_query_id");
  if (!id) throw badRequest("query is too old and response timeout expired or query ID is invalid");
  const text = params.optString("text");
  if (text !== undefined && text.length > MAX_ANSWER_TEXT) throw badRequest("MESSAGE_TOO_LONG");
  const showAlert = params.optBool("show_alert");
  const url = params.optString("url");
  const answered = callbacks.answer(id, {
    ...(text !== undefined && { text }),
    ...(showAlert !== undefined && { showAlert }),
    ...(url !== undefined && { url }),
  });
  if (!answered) throw badRequest("query is too old and response timeout expired or query ID is invalid");
  return true;
};
