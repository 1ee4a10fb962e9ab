import {
  type CallsQueue,
  type CreateCallRequest,
  CreateCallRequestSchema,
  type MessageRef,
  type TargetChat,
  withDeadline,
} from "@callbot/shared";
import type { Logger } from "pino";
import { type BotLimits, DEFAULT_BOT_LIMITS } from "../bot-limits.ts";
import { type CallEntry, isCurrent } from "../calls-registry/call-entry.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import type { RequestLedger } from "../requests/request-ledger.ts";
import { queueCallRequest } from "./queue-call-request.ts";
import { renderQueued } from "./render-queued.ts";
import { retryUntilRedisAnswers } from "./retry-until-redis-answers.ts";

export interface CallRequestDraft {
  requestId: string;
  requester: { userId: number; chatId: number; messageId: number };
  target: TargetChat;
  title: string | undefined;
  scheduleDate: number | undefined;
  rtmp: boolean;
  /** Decided already (flag or the chat's default); ignored for a call that starts now. */
  autostart: boolean;
  /** Unix seconds the call is ended by itself (`for 30m`, `until 19:30`); undefined: no set end. */
  endAt?: number;
  timeZone: string;
  /** Unix ms. */
  now: number;
}

export interface SubmitDeps {
  /** Replay claim, crash take-over, write-ahead, cooldown and rate limit of each request. */
  ledger: RequestLedger;
  callsQueue: CallsQueue;
  limits: Pick<BotLimits, "queueTimeoutMs"> &
    Partial<
      Pick<BotLimits, "queueConfirmMs" | "queueConfirmLaterMs" | "replicaAcks" | "replicaAckTimeoutMs">
    >;
  logger: Logger;
  botUsername: string;
  /** The calls registry, to say early that a chat already has a call (requests from the private chat). */
  callsRegistry?: Pick<CallsRegistry, "current">;
}

/** How the "queued" answer is shown: a reply to the command, or the guided flow's summary edited. */
export interface AckChannel {
  show(text: string): Promise<MessageRef>;
  edit(ack: MessageRef, text: string): Promise<void>;
}

/** The answer when Redis stopped answering mid-add and did not answer again in time (README, "Redis Sentinel"). */
export const QUEUE_UNKNOWN_TEXT =
  "⚠️ My job store stopped answering while I was queueing this request, so I cannot tell yet whether it was queued. Please do not send it again: I will update this message once I know, with the result if it was queued, or to say it was not.";

/** The answer when a request reported as not queued reached the queue late and is running after all. */
export const LATE_JOB_KEPT_TEXT =
  "⚠️ My job store answered late: this request was queued after all and is already being run, so the call may still be created. I will update this message with the outcome.";

export type SubmitOutcome =
  | "queued"
  | "replayed"
  | "cooldown"
  | "could-not-queue"
  /** Redis stopped answering mid-add: the answer says so, and is edited once the job is found or not. */
  | "queue-unknown"
  | "assistant-offline"
  /** Over the user's /newcall limit: the first refusal of a burst is told, the rest say nothing. */
  | "rate-limited"
  | "rate-limited-again";

/**
 * The common tail of /newcall and the guided flow, once the request is authorised. One ledger
 * step (requests/request-ledger.ts) decides replay, rate limit, offline assistant and cooldown,
 * and writes the request ahead; then the "queued" answer, then the job. The answer comes first
 * so that the job always has a message to edit; if the job cannot be added, that answer is
 * edited to say nothing was queued. `rateLimitUserId` counts the request against that user's
 * /newcall limit.
 */
export async function submitCallRequest(
  draft: CallRequestDraft,
  ack: AckChannel,
  deps: SubmitDeps,
  rateLimitUserId?: number,
): Promise<SubmitOutcome> {
  const autostart = draft.scheduleDate !== undefined && draft.autostart;
  const unacked: CreateCallRequest = CreateCallRequestSchema.parse({
    v: 1,
    kind: "create-call",
    requestId: draft.requestId,
    requester: draft.requester,
    target: draft.target,
    ...(draft.title !== undefined && { title: draft.title }),
    ...(draft.scheduleDate !== undefined && { scheduleDate: draft.scheduleDate }),
    rtmp: draft.rtmp,
    ...(autostart && { autostart: true }),
    ...(draft.endAt !== undefined && { endAt: draft.endAt }),
    timeZone: draft.timeZone,
    requestedAt: draft.now,
  });
  const verdict = await deps.ledger.begin(unacked, rateLimitUserId);
  if (verdict.kind === "replayed") {
    deps.logger.info({ requestId: draft.requestId }, "replayed /newcall ignored");
    return "replayed";
  }
  if (verdict.kind === "rate-limited") return verdict.tell ? "rate-limited" : "rate-limited-again";
  if (verdict.kind === "cooldown") return "cooldown";
  const offlineText = describeRefusal("assistant-offline", {
    chat: draft.target.title,
    botUsername: deps.botUsername,
  });
  // Nothing was promised to the user when the answer fails: let a redelivery of this update try again.
  const showOrRelease = async (text: string) => {
    try {
      return await ack.show(text);
    } catch (error) {
      await deps.ledger.release(unacked).catch(() => undefined);
      throw error;
    }
  };
  if (verdict.kind === "assistant-offline") {
    deps.logger.warn(
      { requestId: draft.requestId },
      "/newcall answered at once: the assistant's session is dead",
    );
    await showOrRelease(offlineText);
    // Answered for good: a redelivery of this update is a replay.
    await deps.ledger.answered(draft.requestId);
    return "assistant-offline";
  }

  const knownCall = await knownCallIn(draft, deps);
  const shown = await showOrRelease(
    renderQueued({
      ...(knownCall !== undefined && { knownCall }),
      chatTitle: draft.target.title,
      title: draft.title,
      scheduleDate: draft.scheduleDate,
      rtmp: draft.rtmp,
      autostart,
      ...(draft.endAt !== undefined && { endAt: draft.endAt }),
      timeZone: draft.timeZone,
      now: draft.now,
    }),
  );
  const request: CreateCallRequest = { ...unacked, ack: shown };
  const warn = (message: string) => (error: unknown) => {
    deps.logger.warn({ err: error, requestId: draft.requestId }, message);
  };
  const limits = { ...DEFAULT_BOT_LIMITS, ...deps.limits };
  // The answer's message goes into the written-ahead record before the job is sent, so that a
  // request the next start recovers (this process stopped while Redis was away) edits this answer
  // instead of sending a second message. Sent together, a connection lost mid-write could take
  // both, the record then naming no message. Bounded: a command in flight when the connection
  // drops waits in ioredis until Redis is back (it is sent again then), and the answer must not.
  await withDeadline(deps.ledger.acknowledge(request), limits.queueTimeoutMs, "the request ledger").catch(
    warn("could not record the answer in the write-ahead record"),
  );
  const outcome = await queueCallRequest(deps.callsQueue, request, {
    timeoutMs: limits.queueTimeoutMs,
    logger: deps.logger,
    // Told "nothing was queued", but a worker took the late job: say what really happens.
    onLateJobKept: () => ack.edit(shown, LATE_JOB_KEPT_TEXT).catch(() => undefined),
    confirm: { withinMs: limits.queueConfirmMs, laterWithinMs: limits.queueConfirmLaterMs },
    ...(limits.replicaAcks > 0 && {
      replicaAck: { replicas: limits.replicaAcks, timeoutMs: limits.replicaAckTimeoutMs },
    }),
  });
  const notQueuedText = describeRefusal("could-not-queue", {
    chat: draft.target.title,
    botUsername: deps.botUsername,
  });
  /**
   * "Nothing was queued" is true only once the request written ahead is cleared: while it stays,
   * the next start's recovery would queue it, a call the user was told would not happen. So when
   * Redis is away, the answer says the outcome is not known yet, and is edited to "nothing was
   * queued" once Redis takes the clearing (or, if this process stops first, by the recovery's
   * result). True when "nothing was queued" was said.
   */
  const tellNotQueued = async (): Promise<boolean> => {
    const cleared = await deps.ledger.finishNotQueued(request).then(
      () => true,
      (error: unknown) => {
        warn("could not clear the pending record; the outcome is not known until Redis answers")(error);
        return false;
      },
    );
    if (cleared) {
      await ack.edit(shown, notQueuedText);
      return true;
    }
    await ack.edit(shown, QUEUE_UNKNOWN_TEXT).catch(warn("could not say that the outcome is not known"));
    void retryUntilRedisAnswers(() => deps.ledger.finishNotQueued(request), {
      everyMs: 2_000,
      withinMs: limits.queueConfirmLaterMs,
    })
      .then(async (done) => {
        if (done) await ack.edit(shown, notQueuedText);
      })
      .catch(warn("could not settle a request Redis did not take"));
    return false;
  };
  if (!outcome.queued && outcome.unknown) {
    deps.logger.error(
      { err: outcome.error, requestId: draft.requestId },
      "not known whether a call request was queued",
    );
    await ack.edit(shown, QUEUE_UNKNOWN_TEXT).catch(warn("could not say that the outcome is not known"));
    // Settled in the background, the promise of the answer kept: the job, when found, edits this
    // message with its result; a job not found is said so. If Redis stays away past the look-up
    // (or this process stops), the written-ahead request is queued by the next start's recovery.
    void outcome.unknown.later
      .then(async (presence) => {
        deps.logger.warn(
          { requestId: draft.requestId, presence },
          "looked again for a request whose add ended unclearly",
        );
        if (presence === "absent") await tellNotQueued();
        if (presence === "queued") await deps.ledger.finishQueued(request, draft.now);
      })
      .catch(warn("could not settle a request whose add ended unclearly"));
    return "queue-unknown";
  }
  if (!outcome.queued) {
    deps.logger.error({ err: outcome.error, requestId: draft.requestId }, "could not queue a call request");
    return (await tellNotQueued()) ? "could-not-queue" : "queue-unknown";
  }
  // Harmless when it fails: the next start finds the job and clears the record; a redelivery finds it too.
  const sessionDead = await deps.ledger.finishQueued(request, draft.now).catch((error: unknown) => {
    warn("could not mark the request queued")(error);
    return false;
  });
  if (sessionDead && (await withdrawnBecauseOffline(draft.requestId, deps))) {
    await deps.ledger.freeCooldown(request).catch(() => undefined);
    await ack.edit(shown, offlineText);
    return "assistant-offline";
  }
  deps.logger.info(
    { requestId: draft.requestId, targetChatId: draft.target.chatId, rtmp: draft.rtmp, autostart },
    "call request queued",
  );
  return "queued";
}

/**
 * The session may have died between the check in `begin` and the add. The worker publishes the
 * death before it collects the waiting jobs (session-death.ts) and the bot checks again after adding
 * (in `finishQueued`):
 * so either that collection sees this job, or this check sees the death. Whichever removes the
 * job answers the requester, so nobody is left with "queued" and nothing else.
 */
async function withdrawnBecauseOffline(requestId: string, deps: SubmitDeps): Promise<boolean> {
  const removed = await deps.callsQueue.remove(requestId).catch(() => 0);
  if (removed === 1)
    deps.logger.warn({ requestId }, "withdrew a request queued as the assistant's session died");
  return removed === 1;
}

/**
 * From the private chat the requester cannot see the target chat: when the calls registry knows
 * a scheduled or live call there, the "queued" answer says so at once. Only a hint: the worker
 * reads the chat's call from Telegram before creating anything, and that decides.
 */
async function knownCallIn(
  draft: CallRequestDraft,
  deps: SubmitDeps,
): Promise<{ state: "scheduled" | "live"; title: string | undefined; rtmp: boolean } | undefined> {
  if (draft.requester.chatId !== draft.requester.userId || deps.callsRegistry === undefined) return undefined;
  const entry: CallEntry | undefined = await deps.callsRegistry.current(draft.target.chatId);
  if (!entry || !isCurrent(entry)) return undefined;
  return { state: entry.state === "live" ? "live" : "scheduled", title: entry.title, rtmp: entry.rtmp };
}
