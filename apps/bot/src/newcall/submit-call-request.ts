import {
  type CallsQueue,
  type CreateCallRequest,
  CreateCallRequestSchema,
  type MessageRef,
  type TargetChat,
} from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { isAssistantOffline } from "../assistant/assistant-offline.ts";
import type { BotLimits } from "../bot-limits.ts";
import { type CallEntry, isCurrent } from "../calls-registry/call-entry.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { describeRefusal } from "./describe-refusal.ts";
import type { KnownChats } from "./known-chats-store.ts";
import { clearPendingRequest, recordPendingRequest } from "./pending-requests.ts";
import { queueCallRequest } from "./queue-call-request.ts";
import { renderQueued } from "./render-queued.ts";
import { claimCommand, markCommandQueued } from "./replay-claim.ts";

export interface CallRequestDraft {
  requestId: string;
  requester: { userId: number; chatId: number; messageId: number };
  target: TargetChat;
  title: string | undefined;
  scheduleDate: number | undefined;
  rtmp: boolean;
  /** Decided already (flag or the chat's default); ignored for a call that starts now. */
  autostart: boolean;
  timeZone: string;
  /** Unix ms. */
  now: number;
}

export interface SubmitDeps {
  redis: Redis;
  /** The deployment's prefix, where the worker publishes its state. */
  prefix: string;
  keys: BotKeys;
  callsQueue: CallsQueue;
  limits: Pick<BotLimits, "replayClaimSeconds" | "chatCooldownSeconds" | "queueTimeoutMs">;
  logger: Logger;
  knownChats: KnownChats;
  botUsername: string;
  /** This bot process, for the replay claim (see claimCommand). */
  instanceId: string;
  /** The calls registry, to say early that a chat already has a call (requests from the private chat). */
  callsRegistry?: Pick<CallsRegistry, "current">;
}

/** How the "queued" answer is shown: a reply to the command, or the guided flow's summary edited. */
export interface AckChannel {
  show(text: string): Promise<MessageRef>;
  edit(ack: MessageRef, text: string): Promise<void>;
}

/** The answer when a request reported as not queued reached the queue late and is running after all. */
export const LATE_JOB_KEPT_TEXT =
  "⚠️ My job store answered late: this request was queued after all and is already being run, so the call may still be created. I will update this message with the outcome.";

export type SubmitOutcome = "queued" | "replayed" | "cooldown" | "could-not-queue" | "assistant-offline";

/**
 * The common tail of /newcall and the guided flow, once the request is authorised: a replay
 * claim (a redelivered update answers and queues nothing), the per-chat cooldown, the "queued"
 * answer, then the job. The answer comes first so that the job always has a message to edit;
 * if the job cannot be added, that answer is edited to say nothing was queued.
 */
export async function submitCallRequest(
  draft: CallRequestDraft,
  ack: AckChannel,
  deps: SubmitDeps,
): Promise<SubmitOutcome> {
  const claimKey = deps.keys.claim(draft.requestId);
  const claim = {
    redis: deps.redis,
    instanceId: deps.instanceId,
    ttlSeconds: deps.limits.replayClaimSeconds,
  };
  const claimed = await claimCommand(claimKey, claim, async () =>
    Boolean(await deps.callsQueue.getJob(draft.requestId)),
  );
  if (claimed === "replayed") {
    deps.logger.info({ requestId: draft.requestId }, "replayed /newcall ignored");
    return "replayed";
  }
  const offlineText = describeRefusal("assistant-offline", {
    chat: draft.target.title,
    botUsername: deps.botUsername,
  });
  if (await isAssistantOffline(deps.redis, deps.prefix)) {
    deps.logger.warn(
      { requestId: draft.requestId },
      "/newcall answered at once: the assistant's session is dead",
    );
    try {
      await ack.show(offlineText);
    } catch (error) {
      await deps.redis.del(claimKey).catch(() => undefined); // nothing was said: let a redelivery answer
      throw error;
    }
    // Answered for good: a redelivery of this update is a replay.
    await markCommandQueued(claimKey, claim);
    return "assistant-offline";
  }
  const cooldownKey = deps.keys.cooldown(draft.target.chatId);
  const free = await deps.redis.set(
    cooldownKey,
    draft.requestId,
    "EX",
    deps.limits.chatCooldownSeconds,
    "NX",
  );
  // The cooldown this very request took before its first handler died is no reason to refuse it.
  if (free !== "OK" && (await deps.redis.get(cooldownKey)) !== draft.requestId) return "cooldown";

  const autostart = draft.scheduleDate !== undefined && draft.autostart;
  const knownCall = await knownCallIn(draft, deps);
  const queuedText = renderQueued({
    ...(knownCall !== undefined && { knownCall }),
    chatTitle: draft.target.title,
    title: draft.title,
    scheduleDate: draft.scheduleDate,
    rtmp: draft.rtmp,
    autostart,
    timeZone: draft.timeZone,
    now: draft.now,
  });
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
    timeZone: draft.timeZone,
    requestedAt: draft.now,
  });
  // Write-ahead, before the user is told anything: a process that dies right after the "queued"
  // answer leaves a record the next start queues. Without an ack yet, a record recovered from
  // that window is reported by a new message instead of an edit.
  const record = (request: CreateCallRequest) =>
    recordPendingRequest(deps.redis, deps.keys, request, deps.limits.replayClaimSeconds).then(
      () => true,
      (error: unknown) => {
        deps.logger.warn(
          { err: error, requestId: draft.requestId },
          "could not record the request as pending",
        );
        return false;
      },
    );
  const recorded = await record(unacked);
  let shown: MessageRef;
  try {
    shown = await ack.show(queuedText);
  } catch (error) {
    // Nothing was promised to the user: let a redelivery of this update try again.
    await deps.redis.del(claimKey, cooldownKey).catch(() => undefined);
    if (recorded) await clearPendingRequest(deps.redis, deps.keys, draft.requestId).catch(() => undefined);
    throw error;
  }
  const request: CreateCallRequest = { ...unacked, ack: shown };
  // The ack filled in, so that a recovered request edits the "queued" answer (the record is
  // cleared below either way).
  if (recorded) await record(request);
  const outcome = await queueCallRequest(deps.callsQueue, request, {
    timeoutMs: deps.limits.queueTimeoutMs,
    logger: deps.logger,
    // Told "nothing was queued", but a worker took the late job: say what really happens.
    onLateJobKept: () => ack.edit(shown, LATE_JOB_KEPT_TEXT).catch(() => undefined),
  });
  // One round trip: drop the write-ahead record and, when the job exists, mark the claim queued.
  const queuedClaim = outcome.queued ? { key: claimKey, ttlSeconds: claim.ttlSeconds } : undefined;
  if (recorded) {
    await clearPendingRequest(deps.redis, deps.keys, draft.requestId, queuedClaim).catch((error: unknown) => {
      // Harmless: the next start finds the job and clears the record; a redelivery finds it too.
      deps.logger.warn({ err: error, requestId: draft.requestId }, "could not clear the pending record");
    });
  } else if (outcome.queued) {
    await markCommandQueued(claimKey, claim);
  }
  if (outcome.queued && (await withdrawnBecauseOffline(draft.requestId, deps))) {
    await deps.redis.del(cooldownKey).catch(() => undefined);
    await ack.edit(shown, offlineText);
    return "assistant-offline";
  }
  if (outcome.queued) {
    deps.logger.info(
      { requestId: draft.requestId, targetChatId: draft.target.chatId, rtmp: draft.rtmp, autostart },
      "call request queued",
    );
    // Only a convenience for the guided flow's chat list: its failure must not undo a queued call.
    await deps.knownChats.remember(draft.target, draft.now).catch((error: unknown) => {
      deps.logger.warn({ err: error }, "could not remember the chat");
    });
    return "queued";
  }
  deps.logger.error({ err: outcome.error, requestId: draft.requestId }, "could not queue a call request");
  await deps.redis.del(cooldownKey).catch(() => undefined);
  await ack.edit(
    shown,
    describeRefusal("could-not-queue", { chat: draft.target.title, botUsername: deps.botUsername }),
  );
  return "could-not-queue";
}

/**
 * The session may have died between the check above and the add. The worker publishes the death
 * before it collects the waiting jobs (session-death.ts) and the bot checks again after adding:
 * so either that collection sees this job, or this check sees the death. Whichever removes the
 * job answers the requester, so nobody is left with "queued" and nothing else.
 */
async function withdrawnBecauseOffline(requestId: string, deps: SubmitDeps): Promise<boolean> {
  if (!(await isAssistantOffline(deps.redis, deps.prefix))) return false;
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
