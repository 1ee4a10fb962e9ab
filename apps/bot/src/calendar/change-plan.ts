import type { Authorise } from "../auth/authorise-requester.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { Clock } from "../clock.ts";
import { describeCall } from "../messages/describe-call.ts";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { formatScheduleTime } from "../messages/format-time.ts";
import { cleanTitle } from "../newcall/clean-title.ts";
import { describeParseError } from "../newcall/describe-parse-error.ts";
import { findEndPhraseLength, readEnd } from "../newcall/parse-end.ts";
import { parseWhen } from "../newcall/parse-when.ts";
import { askAboutConflict, type ShowAnswer } from "./ask-about-conflict.ts";
import { type CalendarDeps, placeCall } from "./place-call.ts";
import type { PlannedCall } from "./planned-call.ts";
import { renderPlanned } from "./render-planned.ts";

export interface ChangePlanDeps extends CalendarDeps {
  authorise: Authorise;
  callsRegistry: Pick<CallsRegistry, "current">;
  clock: Clock;
  redis: import("ioredis").Redis;
  prefix: string;
}

/** Who changes a plan, and how the answer is shown. */
export interface Changer {
  userId: number;
  timeZone: string;
  botUsername: string;
  show: ShowAnswer;
}

/**
 * The plan `id` if `changer` may change it (the rights of creating a call in its chat), else
 * says why and returns undefined. A plan no longer waiting is named as such.
 */
export async function planToChange(
  id: string,
  changer: Changer,
  deps: ChangePlanDeps,
): Promise<PlannedCall | undefined> {
  const plan = await deps.calendar.get(id.toLowerCase());
  if (!plan) {
    await changer.show(`I have no planned call ${id}. Send /calls to see the planned calls and their ids.`);
    return undefined;
  }
  const rights = await deps.authorise({
    chatId: plan.target.chatId,
    userId: changer.userId,
    rtmp: plan.rtmp,
  });
  if (!rights.ok) {
    await changer.show(
      describeRefusal(rights.reason, { chat: plan.target.title, botUsername: changer.botUsername }),
    );
    return undefined;
  }
  if (plan.state !== "planned") {
    await changer.show(
      `The planned ${describeCall({ title: plan.title, rtmp: plan.rtmp })} (${plan.id}) is no longer waiting: ${plan.state === "created" ? "it is in Telegram now; manage it in /calls" : `it was ${plan.state}`}.`,
    );
    return undefined;
  }
  return plan;
}

const BUSY =
  "it is being created in Telegram right now; try again in a moment, or manage it in /calls once it is there.";

export async function cancelPlan(id: string, changer: Changer, deps: ChangePlanDeps): Promise<void> {
  const plan = await planToChange(id, changer, deps);
  if (!plan) return;
  const cancelled = await deps.calendar.cancel(plan.id);
  await changer.show(
    cancelled
      ? `✖️ The planned ${describeCall({ title: plan.title, rtmp: plan.rtmp })} in «${plan.target.title}» for ${formatScheduleTime(plan.scheduleDate, changer.timeZone)} is cancelled; nothing will be created.`
      : `I could not cancel ${plan.id}: ${BUSY}`,
  );
}

/**
 * Renames a plan. False when the title itself is unusable (said through `changer`, with `usage`
 * or the length refusal), so a question can be asked again; true once the title was taken up,
 * whatever came of it.
 */
export async function renamePlan(
  id: string,
  title: string,
  changer: Changer,
  deps: ChangePlanDeps,
  usage = `Give the new title after the id: /renameplan ${id} Weekly sync`,
): Promise<boolean> {
  const cleaned = cleanTitle(title);
  if (!cleaned.ok || cleaned.title === undefined) {
    await changer.show(
      cleaned.ok ? usage : describeParseError(cleaned.error, { timeZone: changer.timeZone }),
    );
    return false;
  }
  const plan = await planToChange(id, changer, deps);
  if (!plan) return true;
  const renamed = await deps.calendar.rename(plan.id, cleaned.title);
  await changer.show(
    renamed
      ? `✏️ The planned call ${plan.id} in «${plan.target.title}» is now called “${cleaned.title}”.`
      : `I could not rename ${plan.id}: ${BUSY}`,
  );
  return true;
}

/**
 * `/moveplan p3 next friday 19:00 [for 1h | until 20:00]`: a set end not given keeps the call's
 * length. False when the time itself is unusable (said through `changer`), as for renamePlan.
 */
export async function movePlan(
  id: string,
  words: string[],
  changer: Changer,
  deps: ChangePlanDeps,
  usage = `Give the new time after the id, for example: /moveplan ${id} next friday 19:00`,
): Promise<boolean> {
  const endLength = findEndPhraseLength(words);
  const timeWords = endLength > 0 ? words.slice(0, -endLength) : words;
  if (timeWords.length === 0) {
    await changer.show(usage);
    return false;
  }
  const now = deps.clock.now();
  const when = parseWhen(timeWords, { now, timeZone: changer.timeZone });
  if (!when.ok) {
    await changer.show(describeParseError(when.error, { timeZone: changer.timeZone }));
    return false;
  }
  const plan = await planToChange(id, changer, deps);
  if (!plan) return true;
  let endAt: number | undefined;
  if (endLength > 0) {
    const end = readEnd(words.slice(-endLength), {
      startsAt: when.scheduleDate,
      now,
      timeZone: changer.timeZone,
    });
    if (!end.ok) {
      await changer.show(describeParseError(end.error, { timeZone: changer.timeZone }));
      return false;
    }
    endAt = end.endAt;
  } else if (plan.endAt !== undefined) {
    endAt = when.scheduleDate + (plan.endAt - plan.scheduleDate);
  }
  await moveTo(
    plan,
    { scheduleDate: when.scheduleDate, ...(endAt !== undefined && { endAt }) },
    changer,
    deps,
  );
  return true;
}

/** Moves a plan if the new time overlaps nothing; otherwise names what it overlaps, with a choice. */
export async function moveTo(
  plan: PlannedCall,
  slot: { scheduleDate: number; endAt?: number },
  changer: Changer,
  deps: ChangePlanDeps,
): Promise<void> {
  const placement = await placeCall(
    { chatId: plan.target.chatId, ...slot, ignorePlanId: plan.id },
    { ...deps, callsRegistry: deps.callsRegistry },
  );
  if (placement.kind === "conflict") {
    await askAboutConflict(
      placement,
      {
        requestId: plan.jobId,
        requester: { userId: changer.userId, chatId: plan.requester.chatId, messageId: 1 },
        target: plan.target,
        ...(plan.title !== undefined && { title: plan.title }),
        ...slot,
        rtmp: plan.rtmp,
        autostart: plan.autostart,
        timeZone: changer.timeZone,
        movePlanId: plan.id,
      },
      changer.show,
      deps,
    );
    return;
  }
  const dueAt = placement.kind === "plan" ? placement.dueAt : deps.clock.now();
  const moved = await deps.calendar.move(plan.id, { ...slot, dueAt });
  await changer.show(
    moved
      ? `➡️ Moved. ${renderPlanned(moved, { now: deps.clock.now(), botUsername: changer.botUsername, timeZone: changer.timeZone })}`
      : `I could not move ${plan.id}: ${BUSY}`,
  );
}
