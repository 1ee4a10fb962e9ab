import type { TargetChat } from "@callbot/shared";
import { type Api, GrammyError } from "grammy";
import type { Redis } from "ioredis";
import { knownAssistants } from "../assistant/known-assistants.ts";
import { knownChats, MAX_KNOWN_CHATS } from "../newcall/known-chats-store.ts";
import { botKeys } from "../redis/bot-keys.ts";
import { checkChatSetup, type SetupReport } from "./check-chat-setup.ts";
import { setupChatOf } from "./setup-chat-of.ts";

/** One known chat as /setup would see it now, or why it could not be looked at. */
export type KnownChatCheck =
  | { chat: TargetChat; report: SetupReport }
  | { chat: TargetChat; report?: undefined; problem: string };

export interface KnownChatsCheck {
  /** "@callbot_assistant" (with several accounts: each); empty while no worker has ever published one. */
  assistants: string[];
  chats: KnownChatCheck[];
}

/**
 * /setup's checks (the bot's rights, each assistant's membership, rights and anonymity) for every
 * chat the bot has served a request for, newest first, through the Bot API only: the assistant's
 * session is never used, so this is safe while a worker runs. Chats are looked at one after
 * the other (two Bot API requests each, and one per assistant), to stay far below Telegram's limits.
 */
export async function checkKnownChats(deps: {
  api: Api;
  redis: Redis;
  prefix: string;
  limit?: number;
}): Promise<KnownChatsCheck> {
  const me = await deps.api.getMe();
  const assistants = await knownAssistants(deps.redis, deps.prefix);
  const chats = await knownChats(deps.redis, botKeys(deps.prefix)).recent(deps.limit ?? MAX_KNOWN_CHATS);
  const checks: KnownChatCheck[] = [];
  for (const chat of chats) {
    try {
      // getChat first: the type decides which rights apply, and a chat the bot was removed from
      // (or that is gone) fails here with Telegram's own words.
      const found = await deps.api.getChat(chat.chatId);
      if (found.type === "private") {
        checks.push({ chat, problem: "it is a private chat, not a group or channel" });
        continue;
      }
      const report = await checkChatSetup(deps.api, setupChatOf(found), { botId: me.id, assistants });
      checks.push({ chat, report });
    } catch (error) {
      if (!(error instanceof GrammyError)) throw error;
      checks.push({ chat, problem: `Telegram says: ${error.description}` });
    }
  }
  return { assistants: assistants.map((a) => a.name), chats: checks };
}
