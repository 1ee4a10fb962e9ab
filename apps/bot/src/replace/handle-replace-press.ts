import type { CreateCallRequest } from "@callbot/shared";
import type { Context } from "grammy";
import type { Logger } from "pino";
import type { CallsViewDeps } from "../calls/calls-view.ts";
import type { Clock } from "../clock.ts";
import { describeCall } from "../messages/describe-call.ts";
import { queueCallRequest } from "../newcall/queue-call-request.ts";
import { readPress } from "../telegram/read-press.ts";
import { claimReplaceOffer, decodeReplacePress, readReplaceOffer } from "./replace-offers.ts";

/** The line under "«Chat» already has …" when the requester may choose. */
export const REPLACE_QUESTION =
  "Replace it ends that call for everyone and creates yours; Keep it leaves it as it is.";

export interface ReplacePressDeps extends CallsViewDeps {
  clock: Clock;
  logger: Logger;
  /** How long queueing the replacing request may take before the presser is told it failed. */
  queueTimeoutMs?: number;
}

/**
 * Replace it / Keep it under "«Chat» already has a live video chat …". Only someone allowed to
 * end calls in that chat (its owner, an admin with "Manage video chats", an operator) may
 * answer, checked with Telegram when pressed. Replace queues the request again with the call to
 * replace by id: the worker ends exactly that call and creates the new one, or, if the chat's
 * call is another one by then, ends nothing and asks again.
 */
export async function handleReplacePress(ctx: Context, deps: ReplacePressDeps): Promise<void> {
  const read = await readPress(ctx, decodeReplacePress);
  if (!read) return;
  const { query, message, press, alert } = read;
  const offer = await readReplaceOffer(deps.redis, deps.registry.keys, press.token);
  if (!offer) {
    await alert(
      "This question has expired or was answered already. Send the command again if you still want a call.",
    );
    return;
  }
  const { request, existing } = offer;
  const chat = `«${request.target.title}»`;
  const rights = await deps.authorise(
    { chatId: request.target.chatId, userId: query.from.id, rtmp: false },
    { fresh: true },
  );
  if (!rights.ok) {
    deps.logger.info({ userId: query.from.id, reason: rights.reason }, "replace question: press refused");
    await alert(
      `Only the owner of ${chat} or its admins with the "Manage video chats" right can decide about its call. Nothing was changed.`,
    );
    return;
  }
  if (!(await claimReplaceOffer(deps.redis, deps.registry.keys, press.token))) {
    await ctx.answerCallbackQuery({ text: "Already on it…" });
    return;
  }

  const theirs = describeCall({ title: existing.title, rtmp: existing.rtmp });
  const edit = (text: string) =>
    ctx.api
      .editMessageText(message.chat.id, message.message_id, text, {
        link_preview_options: { is_disabled: true },
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "could not edit the replace question"));

  if (press.choice === "keep") {
    await ctx.answerCallbackQuery({ text: "Kept." });
    await edit(`👍 Kept the ${theirs} in ${chat}; nothing was created.`);
    return;
  }

  const replacing: CreateCallRequest = {
    ...request,
    // A new job id: the first request's job is finished, and BullMQ ignores an add whose id exists.
    requestId: `${request.requestId}_replace_${press.token}`.slice(0, 200),
    replaceCallId: existing.id,
    requestedAt: deps.clock.now(),
  };
  const queued = await queueCallRequest(deps.callsQueue, replacing, {
    timeoutMs: deps.queueTimeoutMs ?? 1_500,
    logger: deps.logger,
  });
  if (!queued.queued) {
    deps.logger.warn({ err: queued.error }, "could not queue a confirmed replace");
    await alert(
      "I could not queue that just now (a problem on my side). Nothing was changed; send the command again.",
    );
    return;
  }
  deps.logger.info(
    { requestId: replacing.requestId, replaceCallId: existing.id, by: query.from.id },
    "replace confirmed",
  );
  await ctx.answerCallbackQuery({ text: "Replacing…" });
  const yours = describeCall({ title: request.title, rtmp: request.rtmp });
  await edit(
    `⏳ Replacing the ${theirs} in ${chat}: I will end it and create the ${yours}. I will update this message with the result.`,
  );
}
