import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { Clock } from "../clock.ts";
import type { CallRequestDraft } from "../newcall/submit-call-request.ts";
import type { BotKeys } from "../redis/bot-keys.ts";
import { askAboutConflict, type ShowAnswer } from "./ask-about-conflict.ts";
import { type CalendarDeps, type Placement, placeCall } from "./place-call.ts";
import type { PlannedCall } from "./planned-call.ts";
import { renderPlanned } from "./render-planned.ts";

export interface RouteDeps extends CalendarDeps {
  redis: Redis;
  keys: BotKeys;
  prefix: string;
  callsRegistry: Pick<CallsRegistry, "current">;
  clock: Clock;
  logger: Logger;
  limits: { replayClaimSeconds: number };
}

export type { ShowAnswer };

export type Routed = "now" | "planned" | "conflict" | "refused" | "replayed" | "rate-limited";

/** Waiting planned calls one chat may have. */
export const MAX_PLANS_PER_CHAT = 30;

/**
 * A scheduled call, authorised already: the calendar decides (placeCall). "now" leaves it to the
 * caller, which creates it in Telegram as before; a plan or a conflict is answered here.
 *
 * A replayed update must neither plan twice nor ask twice: the first delivery claims the request
 * id (`<prefix>:bot:claim:<id>`); a later one with the claim taken stops here, unless the request
 * ledger knows the request (then it went the "now" way, and the ledger handles its replay).
 *
 * `admit` counts a request the calendar answers (a plan, a conflict, a refusal) against the
 * requester's /newcall limit, which the "now" way counts in the request ledger: planning is no
 * way around it. False (over the limit, already told) answers nothing more. The guided flow
 * passes none: its /newcall was counted when it opened.
 */
export async function routeScheduledCall(
  draft: CallRequestDraft & { scheduleDate: number; endAt?: number },
  show: ShowAnswer,
  deps: RouteDeps,
  botUsername: string,
  admit?: () => Promise<boolean>,
): Promise<Routed> {
  const claimed = await deps.redis.set(
    deps.keys.claim(draft.requestId),
    "1",
    "EX",
    deps.limits.replayClaimSeconds,
    "NX",
  );
  if (claimed !== "OK")
    return (await deps.redis.exists(deps.keys.request(draft.requestId))) === 1 ? "now" : "replayed";

  const placement = await placeCall(
    {
      chatId: draft.target.chatId,
      scheduleDate: draft.scheduleDate,
      ...(draft.endAt !== undefined && { endAt: draft.endAt }),
    },
    { ...deps, callsRegistry: deps.callsRegistry },
  );
  // The chat's call in Telegram is in the way: the one-call-per-chat path answers as for any
  // request (it names that call, and offers Replace it / Keep it to those allowed to end it).
  if (placement.kind === "now" || blockedByTelegramCall(placement)) return "now";
  if (admit !== undefined && !(await admit())) return "rate-limited";
  // A chat cannot collect plans without bound (and /calls must stay readable).
  const waiting = (await deps.calendar.forChat(draft.target.chatId)).filter((p) => p.state === "planned");
  if (waiting.length >= MAX_PLANS_PER_CHAT) {
    await deps.redis.del(deps.keys.claim(draft.requestId));
    await show(
      `«${draft.target.title}» already has ${MAX_PLANS_PER_CHAT} planned calls, the most I keep per chat. Cancel one in /calls first (/cancelplan).`,
    );
    return "refused";
  }
  if (placement.kind === "conflict") {
    await askAboutConflict(placement, { ...offerFields(draft), requestId: draft.requestId }, show, deps);
    deps.logger.info(
      { requestId: draft.requestId, conflicts: placement.conflicts.length },
      "call overlaps; asked",
    );
    return "conflict";
  }
  const plan = await planDraft(draft, placement.dueAt, deps);
  await show(renderPlanned(plan, { now: deps.clock.now(), botUsername }));
  return "planned";
}

function blockedByTelegramCall(placement: Placement): boolean {
  return placement.kind === "conflict" && placement.conflicts.some((c) => c.where !== "planned");
}

/** Saves the draft as a plan created in Telegram at `dueAt`. */
export async function planDraft(
  draft: DraftFields,
  dueAt: number,
  deps: Pick<RouteDeps, "calendar" | "logger">,
): Promise<PlannedCall> {
  const { requester, ...fields } = offerFields(draft);
  const plan = await deps.calendar.plan({
    ...fields,
    requester: { userId: requester.userId, chatId: requester.chatId },
    dueAt,
  });
  deps.logger.info({ planId: plan.id, targetChatId: plan.target.chatId, dueAt }, "call planned");
  return plan;
}

type DraftFields = Pick<CallRequestDraft, "requester" | "target" | "rtmp" | "autostart" | "timeZone"> & {
  title?: string | undefined;
  scheduleDate: number;
  endAt?: number;
};

/** The call's own fields, without undefined ones (the stored schemas are strict about them). */
function offerFields(draft: DraftFields) {
  return {
    requester: {
      userId: draft.requester.userId,
      chatId: draft.requester.chatId,
      messageId: draft.requester.messageId,
    },
    target: draft.target,
    ...(draft.title !== undefined && { title: draft.title }),
    scheduleDate: draft.scheduleDate,
    ...(draft.endAt !== undefined && { endAt: draft.endAt }),
    rtmp: draft.rtmp,
    autostart: draft.autostart,
    timeZone: draft.timeZone,
  };
}
