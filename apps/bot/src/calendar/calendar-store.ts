import {
  addCallsJob,
  CALL_JOB_NAMES,
  type CallsQueue,
  type CreateCallRequest,
  CreateCallRequestSchema,
  plannedJobId,
  plannedWithdrawnKey,
} from "@callbot/shared";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";
import { type CalendarEvent, type PlannedCall, PlannedCallSchema } from "./planned-call.ts";

/**
 * The bot's own calendar: calls Telegram cannot hold yet, kept durably until they are created.
 *
 * Each planned call is two things in Redis, written together:
 * - its record (what /calls shows and the commands change), under
 *     <prefix>:bot:calendar:plan:<id>     the PlannedCall as JSON
 *     <prefix>:bot:calendar:chat:<chatId> sorted set of the chat's plan ids, by start time
 *     <prefix>:bot:calendar:chats         set of chats with plans (for a private /calls)
 *     <prefix>:bot:calendar:seq           the id counter (never reused, so old buttons never hit a newer plan)
 * - its create-call job, delayed in the calls queue until it is due (the worker then creates the
 *   call, waiting for the chat's slot if another call holds it; apps/worker recurring-wait.ts).
 *
 * Both survive restarts of the bot and the worker. Every change is told to the listeners
 * (`onChange`), in this process: announcements and reminders follow planned calls through it.
 * A plan's record is kept for a day after it is settled (created, failed, cancelled), for /calls.
 */
export interface CalendarStore {
  /** Saves a new plan and queues its job; `dueAt` is when the call is created in Telegram. */
  plan(input: NewPlan): Promise<PlannedCall>;
  get(id: string): Promise<PlannedCall | undefined>;
  /** The chat's plans (every state still kept), soonest first. */
  forChat(chatId: number): Promise<PlannedCall[]>;
  /** Chats that have (or recently had) plans. */
  chats(): Promise<number[]>;
  /** Cancels a waiting plan (its job goes); undefined when it is not waiting (created, being created, gone). */
  cancel(id: string): Promise<PlannedCall | undefined>;
  rename(id: string, title: string): Promise<PlannedCall | undefined>;
  /** A new start (and due time, and end); the old job is replaced by one for the new time. */
  move(
    id: string,
    change: { scheduleDate: number; dueAt: number; endAt?: number },
  ): Promise<PlannedCall | undefined>;
  /** The worker's result for the plan's job: created in Telegram, or not (with why). */
  settle(id: string, outcome: { callId: string } | { failure: string }): Promise<PlannedCall | undefined>;
  onChange(listener: (event: CalendarEvent) => void | Promise<void>): () => void;
}

export type NewPlan = Omit<PlannedCall, "v" | "id" | "state" | "jobId" | "createdAt">;

const DAY_SECONDS = 24 * 3600;

export function calendarStore(deps: {
  redis: Redis;
  prefix: string;
  callsQueue: CallsQueue;
  clock: Clock;
  logger?: Logger;
  /** The job is delayed at most this long at a time (BotLimits.plannedHopMs). @defaultValue 1 h */
  hopMs?: number;
}): CalendarStore {
  const base = `${deps.prefix}:bot:calendar`;
  const planKey = (id: string) => `${base}:plan:${id}`;
  const chatKey = (chatId: number) => `${base}:chat:${chatId}`;
  const listeners = new Set<(event: CalendarEvent) => void | Promise<void>>();

  const get = async (id: string) => {
    const key = planKey(id);
    return parseStoredJson(await deps.redis.get(key), {
      key,
      schema: PlannedCallSchema,
      ...(deps.logger && { logger: deps.logger }),
    });
  };

  const write = async (call: PlannedCall) => {
    const nowSeconds = Math.floor(deps.clock.now() / 1000);
    const multi = deps.redis.multi();
    if (call.state === "planned") multi.set(planKey(call.id), JSON.stringify(call));
    else multi.set(planKey(call.id), JSON.stringify(call), "EX", DAY_SECONDS);
    multi.zadd(chatKey(call.target.chatId), call.scheduleDate, call.id);
    multi.sadd(`${base}:chats`, String(call.target.chatId));
    // Settled plans leave the index a day after they were settled (their record expires with them).
    multi.zremrangebyscore(chatKey(call.target.chatId), "-inf", nowSeconds - 30 * DAY_SECONDS);
    await multi.exec();
  };

  const tell = async (event: CalendarEvent) => {
    for (const listener of listeners) {
      try {
        await listener(event);
      } catch (error) {
        deps.logger?.warn(
          { err: error, event: event.kind, planId: event.call.id },
          "a calendar listener failed",
        );
      }
    }
  };

  const queueJob = async (call: PlannedCall) => {
    await addCallsJob(deps.callsQueue, CALL_JOB_NAMES.createCall, requestOf(call), {
      // At most one hop: the worker puts an early job back to wait (comparing with its clock).
      delay: Math.min(Math.max(0, call.dueAt - deps.clock.now()), deps.hopMs ?? 60 * 60_000),
    });
  };

  /**
   * Removes a waiting job; false when a worker holds it (it is being created right now). The mark
   * (plannedWithdrawnKey) stops the job too where the bot cannot remove it: in an account's queue,
   * where it may wait for the chat's slot once due.
   */
  const withdrawJob = async (call: PlannedCall) => {
    const jobId = call.jobId;
    const job = await deps.callsQueue.getJob(jobId);
    // Taken by a worker: while early it only looks at the clock (and will see the mark below);
    // once due it may be creating the call right now.
    const active = job !== undefined && (await job.getState()) === "active";
    if (active && call.dueAt <= deps.clock.now()) return false;
    await deps.redis.set(plannedWithdrawnKey(deps.prefix, jobId), "1", "EX", 366 * DAY_SECONDS);
    if (!job || active) return true;
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  };

  /** Changes a waiting plan only; the change is lost to nobody (two at once: the last wins). */
  const changeWaiting = async (
    id: string,
    change: (call: PlannedCall) => Promise<PlannedCall | undefined>,
  ) => {
    const call = await get(id);
    if (call?.state !== "planned") return undefined;
    const changed = await change(call);
    if (changed) await write(changed);
    return changed;
  };

  return {
    async plan(input) {
      const id = `p${(await deps.redis.incr(`${base}:seq`)).toString(36)}`;
      const call: PlannedCall = PlannedCallSchema.parse({
        ...input,
        v: 1,
        id,
        state: "planned",
        jobId: plannedJobId(id, input.scheduleDate),
        createdAt: deps.clock.now(),
      });
      await write(call);
      await queueJob(call);
      await tell({ kind: "planned", call });
      return call;
    },
    get,
    async forChat(chatId) {
      const ids = await deps.redis.zrange(chatKey(chatId), "0", "-1");
      const calls = await Promise.all(ids.map((id) => get(id)));
      const gone = ids.filter((_, i) => calls[i] === undefined);
      if (gone.length > 0) await deps.redis.zrem(chatKey(chatId), ...gone);
      if (gone.length === ids.length && ids.length > 0)
        await deps.redis.srem(`${base}:chats`, String(chatId));
      return calls.filter((call): call is PlannedCall => call !== undefined);
    },
    async chats() {
      return (await deps.redis.smembers(`${base}:chats`)).map(Number);
    },
    async cancel(id) {
      const cancelled = await changeWaiting(id, async (call) =>
        (await withdrawJob(call)) ? { ...call, state: "cancelled" } : undefined,
      );
      if (cancelled) await tell({ kind: "cancelled", call: cancelled });
      return cancelled;
    },
    async rename(id, title) {
      const renamed = await changeWaiting(id, async (call) => {
        const next = { ...call, title };
        const job = await deps.callsQueue.getJob(call.jobId);
        // Due and taken by a worker: it may be creating the call right now, under the old title.
        if (!job || (call.dueAt <= deps.clock.now() && (await job.getState()) === "active")) return undefined;
        await (job as Job<CreateCallRequest>).updateData(requestOf(next));
        return next;
      });
      if (renamed) await tell({ kind: "renamed", call: renamed });
      return renamed;
    },
    async move(id, change) {
      let from = 0;
      const moved = await changeWaiting(id, async (call) => {
        if (!(await withdrawJob(call))) return undefined;
        from = call.scheduleDate;
        const { endAt: _oldEnd, ...rest } = call;
        const next: PlannedCall = {
          ...rest,
          scheduleDate: change.scheduleDate,
          dueAt: change.dueAt,
          ...(change.endAt !== undefined && { endAt: change.endAt }),
          jobId: plannedJobId(call.id, change.scheduleDate),
        };
        // Moved to the same time: the same job id, which must not stay marked as withdrawn.
        if (next.jobId === call.jobId) await deps.redis.del(plannedWithdrawnKey(deps.prefix, next.jobId));
        await queueJob(next);
        return next;
      });
      if (moved) await tell({ kind: "moved", call: moved, from });
      return moved;
    },
    async settle(id, outcome) {
      const call = await get(id);
      if (call?.state !== "planned") return undefined;
      const settled: PlannedCall =
        "callId" in outcome
          ? { ...call, state: "created", callId: outcome.callId }
          : { ...call, state: "failed", failure: outcome.failure };
      await write(settled);
      await tell({ kind: settled.state === "created" ? "created" : "failed", call: settled });
      return settled;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The create-call job a plan becomes: no "queued" message to edit, so its report is a new message. */
function requestOf(call: PlannedCall): CreateCallRequest {
  return CreateCallRequestSchema.parse({
    v: 1,
    kind: "create-call",
    requestId: call.jobId,
    requester: call.requester,
    target: call.target,
    ...(call.title !== undefined && { title: call.title }),
    scheduleDate: call.scheduleDate,
    rtmp: call.rtmp,
    ...(call.autostart && { autostart: true }),
    planned: { id: call.id, dueAt: call.dueAt },
    ...(call.endAt !== undefined && { endAt: call.endAt }),
    timeZone: call.timeZone,
    requestedAt: call.createdAt,
  });
}
