import type { Logger } from "pino";
import { describeRefusal } from "../messages/describe-refusal.ts";
import { askAboutConflict } from "./ask-about-conflict.ts";
import { type ChangePlanDeps, type Changer, moveTo } from "./change-plan.ts";
import { decodeConflictPress, restoreConflictOffer, takeConflictOffer } from "./conflict-offers.ts";
import { placeCall } from "./place-call.ts";
import { renderPlanned } from "./render-planned.ts";
import { planDraft } from "./route-scheduled-call.ts";

/**
 * A press on a conflict's question. "Cancel" closes it; "Plan after it" plans the call (or moves
 * the plan) at the proposed start, checked again: if that overlaps something by now, the new
 * overlap is named with a new question. Only someone allowed to create calls in the chat may
 * answer; the offer is used up by the first allowed press.
 */
export async function handleConflictPress(
  data: string,
  presser: Omit<Changer, "show"> & { show: Changer["show"]; answer: (text?: string) => Promise<void> },
  deps: ChangePlanDeps & { logger: Logger },
): Promise<void> {
  const press = decodeConflictPress(data);
  const offer = press ? await takeConflictOffer(deps.redis, deps.prefix, press.token) : undefined;
  if (!press || !offer) {
    await presser.answer("This question has expired. Send /newcall again.");
    return;
  }
  const rights = await deps.authorise({
    chatId: offer.target.chatId,
    userId: presser.userId,
    rtmp: offer.rtmp,
  });
  if (!rights.ok) {
    await restoreConflictOffer(deps.redis, deps.prefix, press.token, offer);
    await presser.answer(
      describeRefusal(rights.reason, { chat: offer.target.title, botUsername: presser.botUsername }).slice(
        0,
        190,
      ),
    );
    return;
  }
  await presser.answer();
  if (press.choice === "cancel") {
    await presser.show("OK: nothing was planned or changed.");
    return;
  }
  const length = offer.endAt === undefined ? undefined : offer.endAt - offer.scheduleDate;
  const slot = {
    scheduleDate: offer.proposal,
    ...(length !== undefined && { endAt: offer.proposal + length }),
  };
  if (offer.movePlanId !== undefined) {
    const plan = await deps.calendar.get(offer.movePlanId);
    if (plan?.state !== "planned") {
      await presser.show(`The planned call ${offer.movePlanId} is no longer waiting; see /calls.`);
      return;
    }
    await moveTo(plan, slot, presser, deps);
    return;
  }
  const placement = await placeCall({ chatId: offer.target.chatId, ...slot }, deps);
  if (placement.kind === "conflict") {
    const { proposal: _asked, ...call } = offer;
    await askAboutConflict(placement, { ...call, ...slot }, presser.show, deps);
    return;
  }
  // Free now: planned with the calendar either way, created in Telegram at once when within the lead.
  const dueAt = placement.kind === "plan" ? placement.dueAt : deps.clock.now();
  const plan = await planDraft({ ...offer, ...slot }, dueAt, deps);
  await presser.show(renderPlanned(plan, { now: deps.clock.now(), botUsername: presser.botUsername }));
}
