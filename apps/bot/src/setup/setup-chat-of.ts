import type { SetupReport } from "./check-chat-setup.ts";

/** What the Bot API says of a group, supergroup or channel (a Chat, a ChatFullInfo) that set-up needs. */
export interface ChatShape {
  id: number;
  title: string;
  type: SetupReport["chat"]["type"];
  username?: string | undefined;
}

/** The chat as set-up checks and names it, from any of the Bot API's shapes of it. */
export function setupChatOf(chat: ChatShape): SetupReport["chat"] {
  return {
    id: chat.id,
    title: chat.title,
    type: chat.type,
    ...(chat.username !== undefined && { username: chat.username }),
  };
}
