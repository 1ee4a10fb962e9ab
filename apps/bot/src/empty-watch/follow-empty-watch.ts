import { addCallsJob, CALL_JOB_NAMES, type CallsQueue, emptyWatchJobId } from "@callbot/shared";
import type { Logger } from "pino";
import { accountCallQueues } from "../calls/account-call-queues.ts";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { ChatCallSettingsStore } from "../chat-settings/chat-call-settings.ts";
import type { Clock } from "../clock.ts";

const WAITING_STATES = new Set(["delayed", "waiting", "prioritized"]);

/**
 * A registry listener: a call that goes live in a chat with /endwhenempty N gets the worker's
 * end-when-empty watch (one job per call, its id emptyWatchJobId); a call that ends (by hand,
 * or otherwise) loses it. Calls Telegram's service messages alone told of (made by hand in the
 * app) carry no call id, so they cannot be watched.
 */
export function followEmptyWatch(deps: {
  callsQueue: CallsQueue;
  settings: ChatCallSettingsStore;
  clock: Clock;
  logger: Logger;
}): (entry: CallEntry) => Promise<void> {
  return async (entry) => {
    if (entry.call === undefined) return;
    const jobId = emptyWatchJobId(entry.call.id);
    if (entry.state === "ended" || entry.state === "failed") {
      // Ended by hand: a waiting watch is cancelled. (One running right now finds the call over;
      // a finished one stays, with its outcome, for the dashboard.) With several assistant
      // accounts the watch waits in the queue of the account that watches the call.
      for (const queue of [deps.callsQueue, ...(await accountCallQueues(deps.callsQueue))]) {
        const job = await queue.getJob(jobId);
        if (job && WAITING_STATES.has(await job.getState())) {
          await job.remove();
          deps.logger.info({ callId: entry.call.id }, "end-when-empty watch cancelled");
        }
      }
      return;
    }
    if (entry.state !== "live") return;
    const { endWhenEmptyMinutes } = await deps.settings.get(entry.chatId);
    if (endWhenEmptyMinutes === undefined) return;
    await addCallsJob(deps.callsQueue, CALL_JOB_NAMES.emptyWatch, {
      v: 1,
      kind: "empty-watch",
      requestId: jobId,
      target: {
        chatId: entry.chatId,
        title: entry.chatTitle,
        ...(entry.chatUsername !== undefined && { username: entry.chatUsername }),
      },
      call: entry.call,
      emptyMinutes: endWhenEmptyMinutes,
      requestedAt: deps.clock.now(),
    });
  };
}
