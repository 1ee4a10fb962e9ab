import type { Queue } from "bullmq";
import type { Api } from "grammy";
import type { Logger } from "pino";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import { accountCallQueues } from "./account-call-queues.ts";

/**
 * Removes a create-call job before the worker takes it. BullMQ refuses to remove a job that a
 * worker holds (a locked, active job): that request is already being run and will report itself.
 * The request's "queued" answer is edited so that it no longer promises a result.
 */
export async function cancelQueuedRequest(
  entry: CallEntry,
  deps: {
    api: Api;
    callsQueue: Queue;
    registry: CallsRegistry;
    logger: Logger;
    by: { id: number; first_name: string };
  },
): Promise<"cancelled" | "too-late"> {
  if (entry.requestId === undefined) return "too-late";
  const requestId = entry.requestId;
  // The shared queue first; a request a worker handed to an account waits in that account's queue.
  let removed = false;
  for (const queue of [deps.callsQueue, ...(await accountCallQueues(deps.callsQueue))]) {
    const job = await queue.getJob(requestId);
    const state = job ? await job.getState() : "unknown";
    if (!job || state === "completed" || state === "unknown") continue;
    if (state === "active" || state === "failed") return "too-late";
    removed = (await queue.remove(requestId)) === 1;
    break;
  }
  if (!removed) return "too-late";
  await deps.registry.remove(entry);
  deps.logger.info({ requestId: entry.requestId, by: deps.by.id }, "queued call request cancelled");
  if (entry.ack) {
    await deps.api
      .editMessageText(
        entry.ack.chatId,
        entry.ack.messageId,
        `🚫 Cancelled by ${deps.by.first_name} before it ran. Nothing was created.`,
      )
      .catch((error: unknown) =>
        deps.logger.warn({ err: error }, "could not edit a cancelled request's answer"),
      );
  }
  return "cancelled";
}
