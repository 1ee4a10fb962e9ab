import type { CallActionResult } from "@callbot/shared";
import type { Api } from "grammy";
import type { Logger } from "pino";
import { readView, renderView } from "../calls/calls-view.ts";
import { followCallActionResult } from "../calls-registry/follow-call-events.ts";
import type { Clock } from "../clock.ts";
import {
  isMessageNotModified,
  isMessageToEditGone,
  isPrivateChatClosed,
} from "../telegram/bot-api-errors.ts";
import type { CallsResultsDeps } from "./calls-results-deps.ts";
import { renderActionOutcome } from "./render-action-outcome.ts";

/**
 * A call action's result: the registry follows Telegram's answer, then the requester hears of
 * it where they pressed or typed: a /calls message is redrawn with the outcome on top, a
 * command's answer is edited, and an action without one (auto-start) posts a new message.
 * Stream keys and speaker links go to the requester's private chat and nowhere else.
 */
export async function reportActionResult(
  result: CallActionResult,
  deps: { api: Api; clock: Clock; logger: Logger; userbotName: string | undefined; calls: CallsResultsDeps },
): Promise<void> {
  const { request } = result;
  const { registry } = deps.calls;
  const before = request.call ? await registry.byCall(request.call.id) : undefined;
  await followCallActionResult(registry, result);
  const rendered = renderActionOutcome(result, {
    callTitle: before?.title,
    neverStarted: before !== undefined && before.startedAt === undefined,
    userbotName: deps.userbotName,
  });
  const log = { requestId: request.requestId, action: request.action, status: result.outcome.status };
  if (rendered.text === undefined) {
    deps.logger.info(log, "call action result needs no message");
    return;
  }

  let headline = rendered.text;
  if (rendered.privateText !== undefined) {
    const sent = await sendPrivately(deps.api, request.requester.userId, rendered.privateText);
    if (!sent)
      headline = `${headline}\nI could not send you ${rendered.privateWhat ?? "that"}: open a private chat with me and press Start, then try again.`;
    else if (request.ack?.chatId === request.requester.userId) headline = `${headline} (sent below)`;
  }

  if (request.ack === undefined) {
    await deps.api.sendMessage(request.requester.chatId, headline, {
      link_preview_options: { is_disabled: true },
    });
    deps.logger.info(log, "call action result posted");
    return;
  }
  const ack = request.ack;
  const view = await readView(deps.calls.redis, registry, ack);
  let text = headline;
  let markup: Awaited<ReturnType<typeof renderView>>["keyboard"] | undefined;
  if (view) {
    const timeZone = await deps.calls.timeZones.preload(view.viewerId);
    const redrawn = await renderView(
      view.scope,
      { timeZone, now: deps.clock.now(), headline },
      { ...deps.calls, api: deps.api },
    );
    text = redrawn.text;
    markup = redrawn.keyboard;
  }
  try {
    await deps.api.editMessageText(ack.chatId, ack.messageId, text, {
      link_preview_options: { is_disabled: true },
      ...(markup !== undefined && { reply_markup: markup }),
    });
  } catch (error) {
    if (isMessageNotModified(error)) return;
    if (!isMessageToEditGone(error)) throw error;
    await deps.api.sendMessage(ack.chatId, headline, { link_preview_options: { is_disabled: true } });
  }
  deps.logger.info(log, "call action result reported");
}

async function sendPrivately(api: Api, userId: number, text: string): Promise<boolean> {
  if (userId <= 0) return false;
  try {
    await api.sendMessage(userId, text, { link_preview_options: { is_disabled: true } });
    return true;
  } catch (error) {
    if (isPrivateChatClosed(error)) return false;
    throw error;
  }
}
