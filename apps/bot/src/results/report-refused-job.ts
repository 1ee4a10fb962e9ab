import type { JobRefused } from "@callbot/shared";
import type { Api } from "grammy";
import type { Logger } from "pino";
import { isMessageNotModified, isMessageToEditGone } from "../telegram/bot-api-errors.ts";

/** What the requester reads when a worker older than this bot refused their request. */
export function renderRefusedForRequester(refused: JobRefused): string {
  return [
    "⚠️ Nothing was done: callbot is being upgraded, and the worker that runs the assistant account " +
      `is still older than this bot (${describeGap(refused)}).`,
    "The operators have been told. Please send the command again in a few minutes.",
  ].join("\n");
}

/** What the operators read: what to upgrade, and where the request is kept. */
export function renderRefusedForOperators(refused: JobRefused): string {
  return [
    `⚠️ callbot operator alert: the worker refused a request queued by a newer bot (${describeGap(refused)}).`,
    "Upgrade the worker(s) to the bot's release: upgrade workers before the bot (README, Production: upgrades).",
    `The request was not run; its job (${refused.jobId}) stays in the calls queue's failed set with its data for 7 days.`,
  ].join("\n");
}

function describeGap(refused: JobRefused): string {
  const { kind, v } = refused.job;
  return refused.supportedVersion === undefined
    ? `it does not know "${refused.jobName}" requests (${kind}, version ${v})`
    : `the request is a ${kind} of version ${v}; the worker reads up to version ${refused.supportedVersion}`;
}

/**
 * Tells the requester where they are looking: an edit of the bot's "queued" reply, a new
 * message when that reply is gone, or a message to the chat they asked in when there was none.
 */
export async function reportRefusedJob(refused: JobRefused, api: Api, logger: Logger): Promise<void> {
  const text = renderRefusedForRequester(refused);
  const { ack, requester } = refused.job;
  if (ack !== undefined) {
    try {
      await api.editMessageText(ack.chatId, ack.messageId, text);
    } catch (error) {
      if (isMessageNotModified(error)) return;
      if (!isMessageToEditGone(error)) throw error;
      await api.sendMessage(ack.chatId, text);
    }
  } else if (requester !== undefined) {
    await api.sendMessage(requester.chatId, text);
  }
  logger.error(
    { jobId: refused.jobId, jobName: refused.jobName, job: refused.job },
    "a worker older than the bot refused a request",
  );
}
