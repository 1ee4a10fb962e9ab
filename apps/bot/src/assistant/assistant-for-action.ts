import {
  type AssistantEntry,
  onlineAssistants,
  readAssistantRegistry,
  routeToAssistant,
} from "@callbot/shared";
import { type AssistantForChatDeps, learnAssistantRights } from "./assistant-for-chat.ts";
import { assistantEntryName } from "./known-assistants.ts";

/** Whether an online account may act on the chat's call, and if not, what the requester reads. */
export type ActionAssistantCheck = { ok: true } | { ok: false; text: string; alert: string };

/**
 * Before a call action (Start now, End, Rename, Invite link, the stream key) is queued in a
 * deployment of several accounts: may one of the accounts online act in the chat? Any that is an
 * admin with "Manage video chats" may, whoever made the call; the stream key needs the owner.
 * When the only accounts that could are offline (a dead session, a stopped worker), nothing is
 * queued: otherwise an account without the right would take it and fail with a refusal that
 * says "make me an admin", when the truth is "the account that is admin there is down".
 * With one account registered, the old single-account answer ("assistant offline") applies.
 */
export async function checkAssistantForAction(
  deps: AssistantForChatDeps,
  request: { chatId: number; chatTitle: string; ownerOnly: boolean },
): Promise<ActionAssistantCheck> {
  const view = await readAssistantRegistry(deps.redis, deps.prefix);
  const online = onlineAssistants(view);
  const down = view.entries.filter((entry) => entry.state !== "online");
  if (online.length === 0 || down.length === 0) return { ok: true };
  await learnAssistantRights(deps, request.chatId, online);
  const route = await routeToAssistant(
    { redis: deps.redis, prefix: deps.prefix, now: deps.now(), loadOf: async () => 0, choiceFrom: 1 },
    { chatId: request.chatId, rtmp: request.ownerOnly },
  );
  if (route.kind !== "none-eligible") return { ok: true };
  return { ok: false, ...refusal(request, online, down) };
}

function refusal(
  request: { chatTitle: string; ownerOnly: boolean },
  online: readonly AssistantEntry[],
  down: readonly AssistantEntry[],
): { text: string; alert: string } {
  const offline = down.map(assistantEntryName).join(", ");
  const others = online.map(assistantEntryName).join(", ");
  const right = request.ownerOnly ? "the chat's owner" : `an admin with the "Manage video chats" right`;
  return {
    text: `⚠️ I cannot do that in «${request.chatTitle}» right now: none of my assistant accounts that are online may (${others}), and ${offline} ${down.length === 1 ? "is" : "are"} offline (its Telegram session ended, or its worker stopped). Nothing was done. Try again once it is back online, or make ${others} ${right} there.`,
    alert: firstThatFits([
      `No assistant account online may do this in «${request.chatTitle}»: ${offline} ${down.length === 1 ? "is" : "are"} offline. Nothing was done; try again later.`,
      "No assistant account online may do this there: the one that may is offline. Nothing was done; try again later.",
    ]),
  };
}

/** Telegram shows at most 200 characters in a button's alert: the first text that fits. */
function firstThatFits(texts: readonly string[]): string {
  return texts.find((text) => text.length <= 200) ?? (texts.at(-1) as string);
}
