import {
  type AutoEndNotice,
  addCallsJob,
  addResult,
  autoendJobId,
  CALL_JOB_NAMES,
  type CallActionRequest,
  type CallRef,
  type CallsQueue,
  type CreateCallRequest,
  QUEUE_NAMES,
  type ResultsQueue,
} from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { queueConnectionOf } from "../calls/queue-connection.ts";
import type { Clock } from "../clock.ts";
import type { CalendarSettingsStore } from "./calendar-settings.ts";

/**
 * Set ends (`/newcall Standup in 1h for 30m`, `… until 19:30`). When a call made with one exists,
 * the bot plans two delayed jobs, both surviving restarts:
 * - the end itself: a call-action "end" job on the calls queue (job id autoendJobId), run by the
 *   worker's ordinary end action on exactly that call (its id and access hash): a different call
 *   that took the chat's slot since is never ended;
 * - a notice in the chat the chat's "notice" setting before (a delayed auto-end-notice on the
 *   results queue, which the bot itself consumes).
 * A call ended by hand (/calls End, or in Telegram) cancels both (`cancel`). The end time is also
 * kept under <prefix>:bot:calendar:end:<callId>, so conflicts are judged by it.
 */
export interface AutoEnds {
  /** Plans the end of a just-created call whose request has `endAt`; nothing without one. */
  plan(request: CreateCallRequest, call: CallRef): Promise<void>;
  /** The set end of a call (unix seconds), if it has one still planned. */
  endOf(callId: string): Promise<number | undefined>;
  /** Forgets a call's set end and removes its jobs (ended by hand, or cancelled). */
  cancel(callId: string): Promise<void>;
}

export function autoEnds(deps: {
  redis: Redis;
  prefix: string;
  callsQueue: CallsQueue;
  settings: CalendarSettingsStore;
  clock: Clock;
  logger: Logger;
}): AutoEnds {
  const endKey = (callId: string) => `${deps.prefix}:bot:calendar:end:${callId}`;
  const noticeJobId = (callId: string) => `autoend-notice_${callId}`;
  let results: ResultsQueue | undefined;
  // The calls queue's connection, shared: this Queue opens no connection of its own.
  const resultsQueue = () => {
    results ??= new Queue(QUEUE_NAMES.results, {
      connection: queueConnectionOf(deps.callsQueue) ?? deps.redis,
      prefix: deps.prefix,
    });
    return results;
  };

  return {
    async plan(request, call) {
      if (request.endAt === undefined) return;
      const now = deps.clock.now();
      const endMs = request.endAt * 1000;
      const action: CallActionRequest = {
        v: 1,
        kind: "call-action",
        requestId: autoendJobId(call.id),
        action: "end",
        origin: "autoend",
        // Reports go to the chat where the call is, as an auto-start's do.
        requester: { userId: request.requester.userId, chatId: request.target.chatId },
        target: request.target,
        call: { id: call.id, accessHash: call.accessHash },
        timeZone: request.timeZone,
        requestedAt: now,
      };
      await deps.redis.set(
        endKey(call.id),
        String(request.endAt),
        "EX",
        Math.max(60, request.endAt - Math.floor(now / 1000) + 86_400),
      );
      await addCallsJob(deps.callsQueue, CALL_JOB_NAMES.callAction, action, {
        delay: Math.max(0, endMs - now),
      });
      const { endNoticeSeconds } = await deps.settings.get(request.target.chatId);
      if (endNoticeSeconds === 0) return;
      const notice: AutoEndNotice = {
        v: 1,
        kind: "auto-end-notice",
        chatId: request.target.chatId,
        chatTitle: request.target.title,
        callId: call.id,
        ...(request.title !== undefined && { title: request.title }),
        endAt: request.endAt,
        timeZone: request.timeZone,
      };
      await addResult(resultsQueue(), notice, noticeJobId(call.id), {
        delay: Math.max(0, endMs - endNoticeSeconds * 1000 - now),
      });
      deps.logger.info({ callId: call.id, endAt: request.endAt }, "set end planned");
    },
    async endOf(callId) {
      const raw = await deps.redis.get(endKey(callId));
      return raw === null ? undefined : Number(raw);
    },
    async cancel(callId) {
      // The end time is written before its jobs (plan) and outlives them by a day: a call with
      // none has no jobs to look for, which spares every call that ends (most have no set end)
      // a job read and a removal script.
      if ((await deps.redis.del(endKey(callId))) === 0) return;
      const end = await deps.callsQueue.getJob(autoendJobId(callId));
      // A running end is the end itself: let it finish.
      if (end && (await end.getState()) !== "active") await end.remove().catch(() => undefined);
      await resultsQueue()
        .remove(noticeJobId(callId))
        .catch(() => 0);
      deps.logger.info({ callId }, "set end cancelled: the call ended otherwise");
    },
  };
}
