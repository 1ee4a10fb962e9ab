import { recordAssistantRights } from "@callbot/shared";
import type { Api } from "grammy";
import { knownAssistants } from "../assistant/known-assistants.ts";
import { checkChatSetup, type SetupReport } from "./check-chat-setup.ts";
import { renderSetupReport } from "./render-setup-report.ts";
import type { SetupDeps } from "./setup-deps.ts";

/**
 * Checks a chat now and renders its checklist; the assistants are the accounts the workers
 * registered (knownAssistants). What it learns of each account's rights there is recorded where
 * routing reads it (the same facts the bot's getChatMember look-ups and the workers record).
 */
export async function lookAtChat(
  api: Api,
  chat: SetupReport["chat"],
  me: { id: number; username: string },
  deps: Pick<SetupDeps, "redis" | "prefix" | "clock">,
  headline?: string,
) {
  const report = await checkChatSetup(api, chat, {
    botId: me.id,
    assistants: await knownAssistants(deps.redis, deps.prefix),
    learnt: (facts) => recordAssistantRights(deps.redis, deps.prefix, chat.id, facts, deps.clock.now()),
  });
  return {
    report,
    ...renderSetupReport(report, { botUsername: me.username, ...(headline !== undefined && { headline }) }),
  };
}
