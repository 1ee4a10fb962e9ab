import type { EmptyWatchStopped } from "@callbot/shared";
import type { Api } from "grammy";

/**
 * What the chat reads when its call's end-when-empty watch stopped: the assistant account
 * watching the call lost its Telegram login and no other assistant account may take the watch
 * over, so the call will stay open until someone ends it.
 */
export function renderWatchStopped(message: EmptyWatchStopped): string {
  const account = message.account.username
    ? `@${message.account.username}, the assistant account watching it,`
    : "the assistant account watching it";
  return (
    `⚠️ The call in «${message.target.title}» will no longer end by itself when it is empty: ${account} ` +
    "lost its Telegram login, and no other assistant account may manage video chats there. " +
    "End the call by hand when you are done."
  );
}

/** Posts renderWatchStopped in the call's chat. */
export async function tellWatchStopped(message: EmptyWatchStopped, api: Api): Promise<void> {
  await api.sendMessage(message.target.chatId, renderWatchStopped(message));
}
