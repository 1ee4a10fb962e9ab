import {
  type CallFailure,
  describeTelegramError,
  type TargetChat,
  type TelegramErrorDescription,
} from "@callbot/shared";

/**
 * What a failure the worker reported means for the user, in the words of the chat it was for
 * (its title and @username) and of the assistant account (when known), with the wait Telegram
 * asked for. One place for the results of /newcall, the call actions and /setup's joins.
 */
export function describeCallFailure(
  failure: Pick<CallFailure, "errorName" | "retryAfter">,
  chat: Pick<TargetChat, "title" | "username">,
  userbotName: string | undefined,
): TelegramErrorDescription {
  return describeTelegramError(failure.errorName, {
    chatTitle: chat.title,
    ...(chat.username !== undefined && { chatUsername: chat.username }),
    ...(userbotName !== undefined && { userbotName }),
    ...(failure.retryAfter !== undefined && { retryAfter: failure.retryAfter }),
  });
}
