import { badRequest } from "./bot-api-error.ts";
import type { FormattedText, MessageEntity } from "./message-entity.ts";
import { parseHtml } from "./parse-html.ts";
import { parseMarkdownLegacy, parseMarkdownV2 } from "./parse-markdown.ts";

/** Telegram's limit for a text message, counted after entities are parsed out. */
export const MAX_MESSAGE_LENGTH = 4096;

/** text + parse_mode or entities -> the plain text and entities Telegram would store. */
export function formatMessageText(
  text: string | undefined,
  parseMode: string | undefined,
  entities: MessageEntity[] | undefined,
): FormattedText {
  if (text === undefined || text.trim() === "") throw badRequest("message text is empty");
  let formatted: FormattedText;
  if (entities && entities.length > 0) formatted = { text, entities };
  else if (parseMode === undefined || parseMode === "") formatted = { text, entities: [] };
  else if (parseMode === "HTML") formatted = parseHtml(text);
  else if (parseMode === "MarkdownV2") formatted = parseMarkdownV2(text);
  else if (parseMode === "Markdown") formatted = parseMarkdownLegacy(text);
  else throw badRequest(`unsupported parse_mode`);
  if (formatted.text.trim() === "") throw badRequest("message text is empty");
  if (formatted.text.length > MAX_MESSAGE_LENGTH) throw badRequest("message is too long");
  return formatted;
}
