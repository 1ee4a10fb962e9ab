import type { Api } from "grammy";
import { assistantName, readUserbotIdentity } from "../assistant/read-userbot-identity.ts";
import { checkChatSetup, type SetupReport } from "./check-chat-setup.ts";
import { renderSetupReport } from "./render-setup-report.ts";
import type { SetupDeps } from "./setup-deps.ts";

/** Checks a chat now and renders its checklist; the assistant is whoever the worker says it is. */
export async function lookAtChat(
  api: Api,
  chat: SetupReport["chat"],
  me: { id: number; username: string },
  deps: Pick<SetupDeps, "redis" | "prefix">,
  headline?: string,
) {
  const identity = await readUserbotIdentity(deps.redis, deps.prefix);
  const report = await checkChatSetup(api, chat, {
    botId: me.id,
    assistant: identity ? { userId: identity.userId, name: assistantName(identity) } : undefined,
  });
  return {
    report,
    ...renderSetupReport(report, { botUsername: me.username, ...(headline !== undefined && { headline }) }),
  };
}
