import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { PlannedCall } from "./planned-call.ts";

/** A call the new one would overlap, named in the answer. */
export interface Conflict {
  title: string | undefined;
  rtmp: boolean;
  /** Unix seconds it starts (or started). */
  startsAt: number;
  /** Unix seconds it ends: its set end, or its start plus the chat's default length. */
  endsAt: number;
  /** Whether that end is a set end (true) or the default length's guess (false). */
  endIsSet: boolean;
  /** "planned": in the bot's calendar; "scheduled"/"live": in Telegram. */
  where: "planned" | "scheduled" | "live";
  /** The plan's id, for a planned one. */
  planId?: string;
}

export interface Slot {
  /** Unix seconds. */
  startsAt: number;
  /** Unix seconds; undefined: the chat's default length. */
  endAt?: number;
}

/**
 * The calls of a chat that a new call would overlap. Telegram allows one call per chat at a
 * time, so two calls overlap when one would still be running (by its set end, or else by the
 * chat's default length) when the other starts. `ignorePlanId`: a plan being moved does not
 * conflict with itself. Pure.
 */
export function findConflicts(
  slot: Slot,
  others: { planned: readonly PlannedCall[]; current: CallEntry | undefined; setEndOfCurrent?: number },
  ctx: { defaultLengthSeconds: number; nowSeconds: number; ignorePlanId?: string },
): Conflict[] {
  const newEnd = slot.endAt ?? slot.startsAt + ctx.defaultLengthSeconds;
  const overlaps = (start: number, end: number) => start < newEnd && slot.startsAt < end;
  const conflicts: Conflict[] = [];
  const { current } = others;
  if (current && (current.state === "scheduled" || current.state === "live")) {
    const startsAt =
      current.state === "live"
        ? (current.startedAt ?? ctx.nowSeconds)
        : (current.scheduleDate ?? ctx.nowSeconds);
    const setEnd = others.setEndOfCurrent;
    // A live call that has run past its default length is taken to end now, not in the past.
    const guessedEnd = Math.max(
      startsAt + ctx.defaultLengthSeconds,
      current.state === "live" ? ctx.nowSeconds : 0,
    );
    const endsAt = setEnd ?? guessedEnd;
    // A call in Telegram holds the chat's one slot from its creation, not from its start: a new
    // call due before that call ends cannot be created without replacing it, even if it would
    // start (and end) before the scheduled one begins.
    if (overlaps(ctx.nowSeconds, endsAt)) {
      conflicts.push({
        title: current.title,
        rtmp: current.rtmp,
        startsAt,
        endsAt,
        endIsSet: setEnd !== undefined,
        where: current.state,
      });
    }
  }
  for (const plan of others.planned) {
    if (plan.state !== "planned" || plan.id === ctx.ignorePlanId) continue;
    const endsAt = plan.endAt ?? plan.scheduleDate + ctx.defaultLengthSeconds;
    if (!overlaps(plan.scheduleDate, endsAt)) continue;
    conflicts.push({
      title: plan.title,
      rtmp: plan.rtmp,
      startsAt: plan.scheduleDate,
      endsAt,
      endIsSet: plan.endAt !== undefined,
      where: "planned",
      planId: plan.id,
    });
  }
  return conflicts.sort((a, b) => a.startsAt - b.startsAt);
}

/** The earliest start after every conflict has ended: what "plan it after" proposes. */
export function firstFreeStart(conflicts: readonly Conflict[]): number | undefined {
  if (conflicts.length === 0) return undefined;
  return Math.max(...conflicts.map((conflict) => conflict.endsAt));
}
