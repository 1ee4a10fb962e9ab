import {
  type CallActionResult,
  type CreateCallResult,
  type JoinChatResult,
  parseResultsJob,
  QUEUE_NAMES,
  type ResultsMessage,
  type WorkerAlert,
} from "@callbot/shared";
import { type Job, Worker } from "bullmq";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { readUserbotIdentity } from "../assistant/read-userbot-identity.ts";
import {
  deliverAutoEndNotice,
  followActionResultInCalendar,
  followCreateResultInCalendar,
} from "../calendar/follow-results.ts";
import type { CalendarDeps } from "../calendar/place-call.ts";
import { followCreateCallResult } from "../calls-registry/follow-call-events.ts";
import { chatMigrationFollower, type FollowChatMigration } from "../chats/follow-chat-migration.ts";
import type { Clock } from "../clock.ts";
import { tellWatchStopped } from "../empty-watch/tell-watch-stopped.ts";
import { botKeys } from "../redis/bot-keys.ts";
import { REPLACE_QUESTION } from "../replace/handle-replace-press.ts";
import { replaceKeyboard, saveReplaceOffer } from "../replace/replace-offers.ts";
import { reportJoinResult } from "../setup/report-join-result.ts";
import { isPrivateChatClosed } from "../telegram/bot-api-errors.ts";
import type { CallsResultsDeps } from "./calls-results-deps.ts";
import { deliverInOrder, type ResultOrderDeps } from "./deliver-in-order.ts";
import { deliverToAck } from "./deliver-to-ack.ts";
import { forgetSecretsAfterDelivery } from "./forget-delivered-secrets.ts";
import { deliveryPauseMs, postponeDelivery, timesPaused } from "./postpone-delivery.ts";
import { renderOutcome, renderWorkerAlert } from "./render-outcome.ts";
import { reportActionResult } from "./report-action-result.ts";
import { renderRefusedForOperators, reportRefusedJob } from "./report-refused-job.ts";
import { sendOnce } from "./send-once.ts";

export interface ResultsConsumerDeps {
  api: Api;
  /** A "worker"-role connection (maxRetriesPerRequest: null); BullMQ duplicates it for blocking reads. */
  connection: Redis;
  /** Fail-fast connection for small reads (the assistant's identity). */
  redis: Redis;
  prefix: string;
  botUsername: string;
  botId: number;
  ownerIds: readonly number[];
  clock: Clock;
  logger: Logger;
  /** The calls registry and /calls views, kept up to date from results. */
  calls: CallsResultsDeps;
  /** The bot's calendar: planned calls settled, set ends planned and told, from results. */
  calendar: CalendarDeps;
  /**
   * Results handled at once. Each is mostly waiting on Telegram (an edit, maybe a private
   * message), so a burst of results drains in parallel rather than one round trip at a time.
   * @defaultValue 16
   */
  concurrency?: number;
}

/**
 * Consumes the results queue with a BullMQ Worker rather than QueueEvents, so that results the
 * worker produced while the bot was down wait in Redis and are delivered when the bot starts.
 * A Telegram failure throws, and BullMQ retries the result with the producer's backoff; an
 * invalid message is failed for good (UnrecoverableError) and logged, never retried.
 */
export function consumeResults(deps: ResultsConsumerDeps): Worker<ResultsMessage> {
  const followMigration = chatMigrationFollower({
    redis: deps.redis,
    prefix: deps.prefix,
    registry: deps.calls.registry,
    callsQueue: deps.calls.callsQueue,
    logger: deps.logger,
  });
  const order = { redis: deps.redis, keys: botKeys(deps.prefix), logger: deps.logger };
  const worker = new Worker<ResultsMessage>(
    QUEUE_NAMES.results,
    (job, token) =>
      forgetSecretsAfterDelivery(
        job,
        () => deliverResult(job, token, { ...deps, followMigration, order }),
        deps.logger,
      ),
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 16 },
  );
  worker.on("failed", (job, error) => {
    deps.logger.warn(
      { jobId: job?.id, attempts: job?.attemptsMade, err: error },
      "delivering a result failed",
    );
  });
  worker.on("error", (error) => {
    deps.logger.error({ err: error }, "results consumer error");
  });
  return worker;
}

/** One results message to whoever it is for: the operators, or the requester in request order. */
async function deliverResult(
  job: Job,
  token: string | undefined,
  deps: ResultsConsumerDeps & { followMigration: FollowChatMigration; order: ResultOrderDeps },
): Promise<void> {
  const message = parseResultsJob(job);
  const once = (step: string, send: () => Promise<void>) =>
    sendOnce(deps.redis, `${deps.prefix}:bot:results:sent:${job.id}:${step}`, send);
  try {
    if (message.kind === "worker-alert") {
      await alertOwners(message, deps, once);
      return;
    }
    if (message.kind === "auto-end-notice") {
      await once("notice", async () => {
        const sent = await deliverAutoEndNotice(message, {
          ...deps.calendar,
          api: deps.api,
          registry: deps.calls.registry,
          clock: deps.clock,
        });
        deps.logger.info({ callId: message.callId, sent }, "set end notice");
      });
      return;
    }
    if (message.kind === "empty-watch-stopped") {
      await once("chat", () => tellWatchStopped(message, deps.api));
      deps.logger.warn({ callId: message.callId }, "told a chat its call's end-when-empty watch stopped");
      return;
    }
    if (message.kind === "job-refused") {
      await once("requester", () => reportRefusedJob(message, deps.api, deps.logger));
      await tellOwners(renderRefusedForOperators(message), deps, once);
      return;
    }
    const final = message.outcome.status !== "delayed";
    await deliverInOrder(
      { request: message.request, finishedAt: message.finishedAt, final },
      () =>
        message.kind === "call-action"
          ? reportCallAction(message, deps)
          : message.kind === "join-chat"
            ? reportJoin(message, deps)
            : reportCallResult(message, deps, deps.followMigration, once),
      deps.order,
    );
  } catch (error) {
    // Telegram asked to wait longer than a call may sleep, or cannot be reached: the result
    // waits as a delayed job, spending none of its attempts, and is delivered when it can be.
    const pauseMs = deliveryPauseMs(error, timesPaused(job));
    if (pauseMs === undefined || token === undefined) throw error;
    deps.logger.warn({ jobId: job.id, pauseMs }, "Telegram cannot take the report now; it waits");
    await postponeDelivery(job, token, pauseMs);
  }
}

async function reportCallAction(result: CallActionResult, deps: ResultsConsumerDeps): Promise<void> {
  const identityRead = readUserbotIdentity(deps.redis, deps.prefix);
  await followActionResultInCalendar(result, deps.calendar);
  const identity = await identityRead;
  await reportActionResult(result, {
    api: deps.api,
    clock: deps.clock,
    logger: deps.logger,
    userbotName: identity?.username ?? identity?.firstName,
    calls: deps.calls,
  });
}

/** Runs a send of this result once, even when the result is tried again after a pause. */
type Once = (step: string, send: () => Promise<void>) => Promise<void>;

async function reportJoin(result: JoinChatResult, deps: ResultsConsumerDeps): Promise<void> {
  await reportJoinResult(result, { id: deps.botId, username: deps.botUsername }, deps.api, {
    redis: deps.redis,
    keys: botKeys(deps.prefix),
    prefix: deps.prefix,
    logger: deps.logger,
    clock: deps.clock,
  });
}

async function reportCallResult(
  result: CreateCallResult,
  deps: ResultsConsumerDeps,
  followMigration: FollowChatMigration,
  once: Once,
): Promise<void> {
  // The assistant's name is read beside the registry's writes: the answer needs it, not them.
  const identityRead = readUserbotIdentity(deps.redis, deps.prefix);
  await followCreateCallResult(deps.calls.registry, result);
  await followCreateResultInCalendar(result, deps.calendar);
  const identity = await identityRead;
  const existing =
    result.outcome.status === "exists"
      ? await deps.calls.registry.byCall(result.outcome.existing.id)
      : undefined;
  const rendered = renderOutcome(result, {
    now: deps.clock.now(),
    botUsername: deps.botUsername,
    userbotName: identity?.username ?? identity?.firstName,
    ...(existing?.startedAt !== undefined && { existingStartedAt: existing.startedAt }),
  });
  let ackText = rendered.ackText;
  const privateText = rendered.privateText;
  if (privateText !== undefined) {
    try {
      await once("private", async () => {
        await deps.api.sendMessage(result.request.requester.userId, privateText, {
          link_preview_options: { is_disabled: true },
        });
      });
    } catch (error) {
      if (!isPrivateChatClosed(error)) throw error;
      deps.logger.info({ requestId: result.request.requestId }, "requester has no private chat with the bot");
      ackText = rendered.ackTextIfPrivateClosed ?? ackText;
    }
  }
  // A chat's call is never replaced without a person's say: a recurring occurrence or a planned call gets no buttons.
  const offer =
    result.outcome.status === "exists" &&
    result.request.recurrence === undefined &&
    result.request.planned === undefined
      ? await saveReplaceOffer(deps.redis, deps.calls.registry.keys, result.request, result.outcome.existing)
      : undefined;
  if (offer !== undefined) ackText = `${ackText}\n${REPLACE_QUESTION}`;
  const delivery = await deliverToAck(
    deps.api,
    result.request,
    ackText,
    followMigration,
    offer === undefined ? undefined : replaceKeyboard(offer),
  );
  deps.logger.info(
    { requestId: result.request.requestId, status: result.outcome.status, delivery },
    delivery === "undeliverable"
      ? "result could not reach the requester anywhere"
      : "result reported to the requester",
  );
}

async function alertOwners(alert: WorkerAlert, deps: ResultsConsumerDeps, once: Once): Promise<void> {
  deps.logger.error(
    { alert: alert.alert, errorName: alert.errorName, lockOutcome: alert.lockOutcome },
    "worker alert",
  );
  await tellOwners(renderWorkerAlert(alert), deps, once);
}

/** Sends `text` to every operator (OWNER_IDS) once, whatever happens to one of them. */
async function tellOwners(text: string, deps: ResultsConsumerDeps, once: Once): Promise<void> {
  for (const ownerId of deps.ownerIds) {
    try {
      await once(`alert:${ownerId}`, async () => {
        await deps.api.sendMessage(ownerId, text);
      });
    } catch (error) {
      // Telegram unavailable: the whole alert waits (owners already told are not told twice).
      if (deliveryPauseMs(error, 0) !== undefined) throw error;
      // One owner who never started the bot must not stop (or, via retries, repeat) the others' alerts.
      deps.logger.warn({ err: error, ownerId }, "could not alert an owner");
    }
  }
}
