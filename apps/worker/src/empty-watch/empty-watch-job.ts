import type { EmptyWatchRequest } from "@callbot/shared";
import { DelayedError, type Job } from "bullmq";
import type { Logger } from "pino";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { failureCategory, readTelegramFailure } from "../calls/read-telegram-failure.ts";
import type { SessionDeath } from "../session/session-death.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import type { ParticipantCounts } from "./participant-counts.ts";

export interface EmptyWatchDeps {
  invoke: InvokeTelegram;
  counts: ParticipantCounts;
  logger: Logger;
  now: () => number;
  /** How long a "minute" is: the watch's tick and the unit of emptyMinutes; tests shorten it. */
  minuteMs: number;
  /** This account's session: a watch that finds it dead goes to another account. */
  sessionDeath: Pick<SessionDeath, "declare" | "errorName">;
  /**
   * Gives the watch to another account that may manage calls in the chat (handOnRunningAction):
   * that account, or undefined when there is none. Absent with one account.
   */
  handOn?: (job: Job) => Promise<number | undefined>;
  /** Tells the chat that its call will no longer end by itself (publishWatchStopped). */
  tellStopped: (request: EmptyWatchRequest) => Promise<void>;
}

/** What the calls queue keeps as the watch's return value. */
export interface EmptyWatchSummary {
  status: "ended-empty" | "already-over" | "gave-up" | "handed-on" | "stopped-session-dead";
  /** For handed-on: the account that watches the call now. */
  to?: number;
}

/**
 * How long a pushed count is trusted without a look of the watch's own. Telegram pushes nothing
 * when nothing changes, and nothing either to a session it revoked: a watch that only ever read
 * pushes would wait for ever on the last count its dead session heard. One phone.getGroupCall
 * every this many minutes of silence bounds that, and finds a dead session.
 */
export const PUSHES_TRUSTED_FOR_MINUTES = 10;

/** Errors that say the call is over (ended by hand, or gone): the watch ends with it. */
const CALL_OVER = /GROUPCALL_ALREADY_DISCARDED|GROUPCALL_INVALID|GROUPCALL_FORBIDDEN/;
/** A watch that fails this many ticks in a row stops, so a broken one cannot run for ever. */
const MAX_FAILED_TICKS = 10;

/**
 * One tick of a call's end-when-empty watch (EmptyWatchRequest), about once a minute while the
 * call is live. Its Telegram cost:
 * - the count comes from updateGroupCall pushes when the assistant gets them
 *   (followParticipantCounts): no request at all while they come;
 * - otherwise one phone.getGroupCall (limit 1) per tick: at most one a minute per watched call;
 * - the end is confirmed with one phone.getGroupCall right before the phone.discardGroupCall,
 *   so a call someone joined a moment ago is never ended on a stale count.
 * It ends exactly the call it names. A call ended by hand (groupCallDiscarded, or
 * GROUPCALL_ALREADY_DISCARDED) ends the watch with nothing done. Between ticks the job waits as a
 * delayed job under the same id, so the bot can remove it and a restart keeps it.
 * A watch whose account's session is dead goes to another account that may manage the chat's
 * calls (it counts the empty minutes again from its own first look, so the call is never ended
 * early); where there is none, the chat is told that the call will no longer end by itself.
 */
export function emptyWatchJob(
  deps: EmptyWatchDeps,
): (job: Job, request: EmptyWatchRequest, token?: string) => Promise<EmptyWatchSummary> {
  return async (job, request, token) => {
    const callId = request.call.id;
    const log = deps.logger.child({ jobId: job.id, callId, chatId: request.target.chatId });
    const input = new Api.InputGroupCall({
      id: returnBigInt(callId),
      accessHash: returnBigInt(request.call.accessHash),
    });
    const poll = async () => {
      const answer = await deps.invoke(new Api.phone.GetGroupCall({ call: input, limit: 1 }));
      const call = answer.call;
      return call instanceof Api.GroupCallDiscarded
        ? deps.counts.heard(callId, 0, { source: "poll", discarded: true })
        : deps.counts.heard(callId, call.participantsCount, { source: "poll" });
    };
    const finish = (status: EmptyWatchSummary["status"]): EmptyWatchSummary => {
      deps.counts.forget(callId);
      log.info({ status }, "end-when-empty watch finished");
      return { status };
    };
    const sessionDead = async (errorName: string): Promise<EmptyWatchSummary> => {
      const to = await deps.handOn?.(job);
      deps.sessionDeath.declare(errorName);
      if (to !== undefined) {
        log.warn({ errorName, to }, "the session is dead; another account watches the call now");
        deps.counts.forget(callId);
        return { status: "handed-on", to };
      }
      await deps.tellStopped(request);
      return finish("stopped-session-dead");
    };
    // Fetched just after another job found the session dead: nothing is asked of Telegram.
    if (deps.sessionDeath.errorName !== undefined) return sessionDead(deps.sessionDeath.errorName);
    deps.counts.watch(callId);
    const emptyForMs = request.emptyMinutes * deps.minuteMs;
    let nextTickMs = deps.minuteMs;
    try {
      const pushed = deps.counts.get(callId);
      const trusted =
        pushed?.pushSeen === true && deps.now() - pushed.atMs < PUSHES_TRUSTED_FOR_MINUTES * deps.minuteMs;
      let known = trusted && pushed ? pushed : await poll();
      if (known.discarded) return finish("already-over");
      if (known.emptySinceMs !== undefined && deps.now() - known.emptySinceMs >= emptyForMs) {
        if (known.pushSeen) known = await poll(); // confirmed with Telegram before ending
        if (known.discarded) return finish("already-over");
        if (
          known.count === 0 &&
          known.emptySinceMs !== undefined &&
          deps.now() - known.emptySinceMs >= emptyForMs
        ) {
          await deps.invoke(new Api.phone.DiscardGroupCall({ call: input }));
          log.info({ emptyMinutes: request.emptyMinutes }, "ended a call that stayed empty");
          return finish("ended-empty");
        }
      }
      if (known.emptySinceMs !== undefined)
        nextTickMs = Math.min(nextTickMs, Math.max(0, known.emptySinceMs + emptyForMs - deps.now()));
      await job.updateProgress({ ticks: progressOf(job).ticks + 1, failedTicks: 0 });
    } catch (error) {
      const facts = readTelegramFailure(error);
      if (CALL_OVER.test(facts.errorName)) return finish("already-over");
      if (failureCategory(facts) === "session") return sessionDead(facts.errorName);
      const failedTicks = progressOf(job).failedTicks + 1;
      log.warn({ err: error, errorName: facts.errorName, failedTicks }, "end-when-empty tick failed");
      if (failedTicks >= MAX_FAILED_TICKS) return finish("gave-up");
      await job.updateProgress({ ticks: progressOf(job).ticks + 1, failedTicks });
      // A flood wait is a delay, never a loop: the next look is after it.
      if (facts.seconds !== undefined) nextTickMs = Math.max(nextTickMs, facts.seconds * 1_000);
    }
    if (token === undefined) throw new Error("an end-when-empty watch needs its job token to wait");
    await job.moveToDelayed(Date.now() + nextTickMs, token);
    throw new DelayedError();
  };
}

/** The watch's ticks so far and its failures in a row, kept as the job's progress (seen on the dashboard). */
function progressOf(job: Job): { ticks: number; failedTicks: number } {
  const progress = job.progress as { ticks?: number; failedTicks?: number } | number | undefined;
  if (typeof progress !== "object") return { ticks: 0, failedTicks: 0 };
  return { ticks: progress.ticks ?? 0, failedTicks: progress.failedTicks ?? 0 };
}
