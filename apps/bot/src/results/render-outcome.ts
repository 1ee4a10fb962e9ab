import {
  type CreateCallRequest,
  type CreateCallResult,
  describeTelegramError,
  type ExistingCall,
  formatWait,
  type WorkerAlert,
} from "@callbot/shared";
import { renderPlanUndeliverable } from "../calendar/render-planned.ts";
import { describeCall } from "../messages/describe-call.ts";
import { formatClockTime, formatDistance, formatScheduleTime } from "../messages/format-time.ts";
import { describeCallFailure } from "./describe-call-failure.ts";

export interface RenderedOutcome {
  /** The new text of the "queued" message. */
  ackText: string;
  /** Stream settings for the requester's private chat; set only when the ack is not already private. */
  privateText?: string;
  /** The ack text to use instead when the private message cannot be delivered (never contains the key). */
  ackTextIfPrivateClosed?: string;
}

export interface RenderContext {
  /** Unix milliseconds. */
  now: number;
  botUsername: string;
  /** The assistant's @username or name, when the worker has published it. */
  userbotName: string | undefined;
  /** Unix seconds the chat's existing call went live, when the calls registry knows it. */
  existingStartedAt?: number;
}

/**
 * The report for a finished (or delayed) request, as plain text. Pure: which chat it goes to and
 * what happens when a send fails is decided by the caller. The RTMP key appears only in text
 * meant for the requester's private chat.
 */
export function renderOutcome(result: CreateCallResult, ctx: RenderContext): RenderedOutcome {
  const { request, outcome } = result;
  const chat = `«${request.target.title}»`;
  switch (outcome.status) {
    case "delayed":
      return {
        ackText: `⏳ Telegram asked the assistant to wait ${formatWait(outcome.delaySeconds)} (${outcome.delaySeconds} s); your request will run then. I will update this message again.`,
      };
    case "failed": {
      const description = describeCallFailure(outcome.failure, request.target, ctx.userbotName);
      const what = describeCall({ title: request.title, rtmp: request.rtmp });
      if (request.planned !== undefined && request.scheduleDate !== undefined)
        return {
          ackText: renderPlanUndeliverable(plannedFacts(request, request.scheduleDate), {
            kind: "failed",
            what: description.userMessage,
          }),
        };
      return { ackText: `❌ I could not create the ${what} in ${chat}.\n${description.userMessage}` };
    }
    case "exists":
      if (request.planned !== undefined && request.scheduleDate !== undefined)
        return {
          ackText: renderPlanUndeliverable(plannedFacts(request, request.scheduleDate), {
            kind: "slot-busy",
            existingTitle: outcome.existing.title,
          }),
        };
      return {
        ackText:
          request.recurrence !== undefined
            ? renderSkippedOccurrence(outcome.existing, request)
            : renderExistingCall(outcome.existing, request, ctx),
      };
    case "created": {
      const { call, rtmpCredentials } = outcome;
      const callWords = describeCall({ title: call.title ?? request.title, rtmp: call.rtmp });
      const what = capitalise(callWords);
      const lines = [
        call.scheduleDate === undefined
          ? `✅ ${what} is live now in ${chat}.`
          : `✅ ${what} is scheduled in ${chat} for ${formatScheduleTime(call.scheduleDate, request.timeZone)}, ${formatDistance(call.scheduleDate, ctx.now)}.`,
      ];
      if (call.inviteLink) lines.push(`Join: ${call.inviteLink}`);
      if (!rtmpCredentials) return { ackText: lines.join("\n") };

      const settings = renderStreamSettings(rtmpCredentials, callWords, chat);
      const ackIsPrivate = request.ack?.chatId === request.requester.userId;
      if (ackIsPrivate) return { ackText: [...lines, "", settings].join("\n") };
      return {
        ackText: [...lines, "I sent you the stream's server URL and key in a private message."].join("\n"),
        privateText: settings,
        ackTextIfPrivateClosed: [
          ...lines,
          `I could not send you the stream key privately because you have not started a chat with me. Open a private chat with @${ctx.botUsername} and press Start (or send /start). Meanwhile the chat's owner can see the key in Telegram: the livestream's menu → "Stream with…".`,
        ].join("\n"),
      };
    }
  }
}

/**
 * Telegram allows one call per chat and a create ends the chat's call for everyone
 * (core.telegram.org/api/group-calls), so nothing was created: say which call is there.
 */
export function renderExistingCall(
  existing: ExistingCall,
  request: CreateCallRequest,
  ctx: Pick<RenderContext, "existingStartedAt">,
): string {
  const chat = `«${request.target.title}»`;
  const kind = existing.rtmp ? "livestream" : "video chat";
  const name = existing.title !== undefined ? ` “${existing.title}”` : "";
  const when =
    existing.state === "scheduled"
      ? existing.scheduleDate !== undefined
        ? ` scheduled for ${formatScheduleTime(existing.scheduleDate, request.timeZone)}`
        : " scheduled"
      : ctx.existingStartedAt !== undefined
        ? ` since ${formatClockTime(ctx.existingStartedAt, request.timeZone)}`
        : "";
  const live = existing.state === "active" ? "live " : "";
  return `${chat} already has a ${live}${kind}${name}${when}; Telegram allows one per chat, so I created nothing. A new one would end it for everyone.`;
}

/**
 * A recurring occurrence never replaces a call: it waited for the chat's other call to end, and
 * that call was still there when the occurrence could last be created (10 s ahead at least).
 */
function renderSkippedOccurrence(existing: ExistingCall, request: CreateCallRequest): string {
  const ours = describeCall({ title: request.title, rtmp: request.rtmp });
  const theirs = describeCall({ title: existing.title, rtmp: existing.rtmp });
  const when =
    request.scheduleDate === undefined
      ? ""
      : ` for ${formatScheduleTime(request.scheduleDate, request.timeZone)}`;
  return `⏭ Skipped the recurring ${ours}${when} in «${request.target.title}»: the chat still had the ${existing.state === "active" ? "live " : "scheduled "}${theirs}, and Telegram allows one call per chat (creating another would have ended it for everyone). The rule goes on with the next occurrence.`;
}

function renderStreamSettings(
  credentials: { url: string; key: string },
  callWords: string,
  chat: string,
): string {
  return [
    `🔑 Stream settings for the ${callWords} in ${chat}. Keep the key secret: anyone who has it can stream to your chat.`,
    `Server URL: ${credentials.url}`,
    `Stream key: ${credentials.key}`,
    "In OBS: Settings → Stream → Service: Custom…, then paste both.",
  ].join("\n");
}

/** The message every OWNER_IDS user gets when the worker reports a problem only the operator can fix. */
export function renderWorkerAlert(alert: WorkerAlert): string {
  if (alert.alert === "account-lock-lost") return renderLockLostAlert(alert);
  const errorName = alert.errorName ?? "UNKNOWN";
  const description = describeTelegramError(errorName);
  return [
    `⚠️ callbot operator alert: the assistant account's Telegram login stopped working (${errorName}).`,
    description.operatorMessage,
    "The worker has stopped taking requests, and people waiting for a call are being told.",
    "Log the assistant account in again (a new TG_SESSION or TG_SESSION_FILE), then restart the worker.",
  ].join("\n");
}

function renderLockLostAlert(alert: WorkerAlert): string {
  const what =
    "⚠️ callbot operator alert: the worker's lock on the assistant account disappeared from Redis " +
    "(Redis restarted without its data, a failover, or the key was deleted).";
  if (alert.lockOutcome === "retaken") {
    return [
      what,
      "No other worker held it, so the worker took it back before sending anything more and carries on.",
      "Check why Redis lost the key: with data lost, queued requests may be gone too.",
    ].join("\n");
  }
  return [
    what,
    "Another worker holds it now, or Redis could not confirm it in time, so this worker disconnected from Telegram and exited (two logins on one session make Telegram end both).",
    "Make sure exactly one worker runs, then restart it if none does.",
  ].join("\n");
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function plannedFacts(request: CreateCallRequest, scheduleDate: number) {
  return {
    title: request.title,
    rtmp: request.rtmp,
    chatTitle: request.target.title,
    scheduleDate,
    timeZone: request.timeZone,
  };
}
