import type { AutoEndNotice, CallActionResult, CreateCallResult } from "@callbot/shared";
import type { Api } from "grammy";
import { isCurrent } from "../calls-registry/call-entry.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { Clock } from "../clock.ts";
import { describeCall } from "../messages/describe-call.ts";
import { formatClockTime, formatDistance } from "../messages/format-time.ts";
import type { CalendarDeps } from "./place-call.ts";

/**
 * A create-call result, as the calendar follows it: a planned call is settled (created, or
 * not with why), and a call made with a set end gets its auto-end planned.
 */
export async function followCreateResultInCalendar(
  result: CreateCallResult,
  deps: CalendarDeps,
): Promise<void> {
  const { request, outcome } = result;
  if (outcome.status === "delayed") return;
  if (outcome.status === "created") {
    if (request.planned) await deps.calendar.settle(request.planned.id, { callId: outcome.call.id });
    if (request.endAt !== undefined) await deps.autoEnds.plan(request, outcome.call);
    return;
  }
  if (request.planned) {
    const failure = outcome.status === "exists" ? "SLOT_BUSY" : outcome.failure.errorName;
    await deps.calendar.settle(request.planned.id, { failure });
  }
}

/** A call ended by an action (/calls End, or found ended): its set end, if any, is dropped. */
export async function followActionResultInCalendar(
  result: CallActionResult,
  deps: CalendarDeps,
): Promise<void> {
  const { request, outcome } = result;
  if (request.action !== "end" || request.call === undefined) return;
  const ended =
    outcome.status === "done" || (outcome.status === "skipped" && outcome.reason === "already-ended");
  if (ended) await deps.autoEnds.cancel(request.call.id);
}

/**
 * "Ends in 5 minutes", in the call's chat, when the call is still on (scheduled or live, by the
 * registry) and its set end has not been cancelled or changed since the notice was planned.
 */
export async function deliverAutoEndNotice(
  notice: AutoEndNotice,
  deps: CalendarDeps & { api: Api; registry: Pick<CallsRegistry, "byCall">; clock: Clock },
): Promise<"sent" | "skipped"> {
  const [entry, endAt] = await Promise.all([
    deps.registry.byCall(notice.callId),
    deps.autoEnds.endOf(notice.callId),
  ]);
  if (endAt !== notice.endAt || (entry !== undefined && !isCurrent(entry))) return "skipped";
  const what = describeCall({ title: notice.title, rtmp: false }).replace(/^video chat/, "The video chat");
  await deps.api.sendMessage(
    notice.chatId,
    `⏰ ${what} ends automatically at ${formatClockTime(notice.endAt, notice.timeZone)} (${notice.timeZone}), ${formatDistance(notice.endAt, deps.clock.now())}.`,
  );
  return "sent";
}
