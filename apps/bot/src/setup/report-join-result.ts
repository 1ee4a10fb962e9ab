import { formatWait, type JoinChatResult } from "@callbot/shared";
import type { Api } from "grammy";
import { assistantName, readUserbotIdentity } from "../assistant/read-userbot-identity.ts";
import { describeCallFailure } from "../results/describe-call-failure.ts";
import { isMessageNotModified, isMessageToEditGone } from "../telegram/bot-api-errors.ts";
import { finishJoin } from "./join-chat.ts";
import { lookAtChat } from "./look-at-chat.ts";
import type { SetupDeps } from "./setup-deps.ts";

/**
 * The worker's answer to "Add the assistant": the invite link is revoked, and the checklist it
 * came from is redrawn from a fresh look at the chat, with the outcome on top in plain words.
 */
export async function reportJoinResult(
  result: JoinChatResult,
  me: { id: number; username: string },
  api: Api,
  deps: Pick<SetupDeps, "redis" | "keys" | "prefix" | "logger" | "clock">,
): Promise<void> {
  const { request, outcome } = result;
  const name = request.assistantName ?? assistantName(await readUserbotIdentity(deps.redis, deps.prefix));
  const chat = {
    id: request.target.chatId,
    title: request.target.title,
    type: request.chatType,
    ...(request.target.username !== undefined && { username: request.target.username }),
  };
  if (outcome.status !== "delayed") await finishJoin(api, request, deps);
  const headline =
    outcome.status === "joined"
      ? `✅ ${name} joined «${chat.title}».`
      : outcome.status === "already-member"
        ? `✅ ${name} was already in «${chat.title}».`
        : outcome.status === "delayed"
          ? `⏳ Telegram asked ${name} to wait ${formatWait(outcome.delaySeconds)}; it joins after that.`
          : `❌ ${describeCallFailure(outcome.failure, chat, name).userMessage}`;
  const shown = await lookAtChat(api, chat, me, deps, headline);
  const extra = { reply_markup: shown.keyboard, link_preview_options: { is_disabled: true } };
  try {
    await api.editMessageText(request.ack.chatId, request.ack.messageId, shown.text, extra);
  } catch (error) {
    if (isMessageNotModified(error)) return;
    if (!isMessageToEditGone(error)) throw error;
    await api.sendMessage(request.ack.chatId, shown.text, extra);
  }
  deps.logger.info({ chatId: chat.id, status: outcome.status }, "join result reported");
}
