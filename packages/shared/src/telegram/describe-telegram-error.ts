import type { ErrorCategory } from "../contract/call-result.ts";
import { parseTelegramErrorName } from "./parse-telegram-error-name.ts";
import {
  type KnownTelegramErrorName,
  type MessageWords,
  TELEGRAM_ERROR_CATALOGUE,
  type TelegramErrorContext,
  unknownErrorMessage,
  waitPhrase,
} from "./telegram-error-catalogue.ts";

export interface TelegramErrorDescription {
  /** The name as catalogued: "FLOOD_WAIT" for "FLOOD_WAIT_30". */
  name: string;
  category: ErrorCategory;
  /** Plain text for the user: what happened and what to do. Never just the raw name. */
  userMessage: string;
  /** Plain text for the operator's log or alert: the name and what Telegram means by it. */
  operatorMessage: string;
  /** True when the name is in the catalogue. */
  known: boolean;
}

export function isKnownTelegramError(name: string): name is KnownTelegramErrorName {
  return Object.hasOwn(TELEGRAM_ERROR_CATALOGUE, name);
}

/**
 * The category of an error name ("FLOOD_WAIT_30" works too). Unknown names are "permanent":
 * retrying something nobody understands risks doing it twice.
 */
export function categoriseTelegramError(name: string): ErrorCategory {
  const parsed = parseTelegramErrorName(name);
  return isKnownTelegramError(parsed.name) ? TELEGRAM_ERROR_CATALOGUE[parsed.name].category : "permanent";
}

/**
 * What to tell the user (and the operator) about an error. Accepts a catalogued name or a raw one
 * ("FLOOD_WAIT_30" gives its seconds when context.retryAfter is not set).
 *
 * @example
 * describeTelegramError("CHAT_ADMIN_REQUIRED", { chatTitle: "Demo", userbotName: "@callbot_assistant" }).userMessage
 * // "The assistant account @callbot_assistant is not allowed to start video chats in «Demo». Make ..."
 */
export function describeTelegramError(
  name: string,
  context: TelegramErrorContext = {},
): TelegramErrorDescription {
  const parsed = parseTelegramErrorName(name);
  const retryAfter = context.retryAfter ?? parsed.seconds;
  const words: MessageWords = {
    chat: chatPhrase(context),
    ...userbotPhrases(context.userbotName),
    waitFor: waitPhrase(retryAfter),
    retryAfter,
    livestream: context.livestream === true,
  };
  if (!isKnownTelegramError(parsed.name)) {
    return {
      name: parsed.name,
      category: "permanent",
      userMessage: unknownErrorMessage(parsed.name),
      operatorMessage: `${parsed.name}: not in callbot's error catalogue`,
      known: false,
    };
  }
  const entry = TELEGRAM_ERROR_CATALOGUE[parsed.name];
  const wait = retryAfter === undefined ? "" : ` (retry after ${retryAfter} s)`;
  return {
    name: parsed.name,
    category: entry.category,
    userMessage: entry.userMessage(words),
    operatorMessage: `${parsed.name}${wait}: ${entry.meaning}`,
    known: true,
  };
}

function chatPhrase({ chatTitle, chatUsername }: TelegramErrorContext): string {
  const title = chatTitle?.trim();
  if (title) return `«${title}»`;
  const username = chatUsername?.trim().replace(/^@/, "");
  if (username) return `@${username}`;
  return "the chat";
}

function userbotPhrases(userbotName: string | undefined): Pick<MessageWords, "assistant" | "userbot"> {
  const trimmed = userbotName?.trim();
  if (!trimmed) return { assistant: "the assistant account", userbot: "the assistant account" };
  // A bare username gets its "@"; a display name ("Call Assistant") is left as it is.
  const name = /^[A-Za-z][A-Za-z0-9_]{3,}$/.test(trimmed) ? `@${trimmed}` : trimmed;
  return { assistant: `the assistant account ${name}`, userbot: name };
}
