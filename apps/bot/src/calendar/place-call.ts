import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { Clock } from "../clock.ts";
import type { AutoEnds } from "./auto-ends.ts";
import type { CalendarSettingsStore } from "./calendar-settings.ts";
import type { CalendarStore } from "./calendar-store.ts";
import { type Conflict, findConflicts, firstFreeStart } from "./find-conflicts.ts";

/** What the calendar needs, built once per bot (bot-services.ts). */
export interface CalendarDeps {
  calendar: CalendarStore;
  calendarSettings: CalendarSettingsStore;
  autoEnds: AutoEnds;
}

/**
 * Where a scheduled call goes:
 * - "now": within the chat's lead and the chat's slot is free: created in Telegram at once (as before);
 * - "plan": the calendar keeps it until `dueAt` (unix ms; now, when it only waits for the slot);
 * - "conflict": it would overlap other calls of the chat; nothing happens until someone chooses
 *   (`proposal`: the first start after them, for "Plan after it").
 */
export type Placement =
  | { kind: "now" }
  | { kind: "plan"; dueAt: number }
  | { kind: "conflict"; conflicts: Conflict[]; proposal: number | undefined; defaultLengthSeconds: number };

export async function placeCall(
  slot: { chatId: number; scheduleDate: number; endAt?: number; ignorePlanId?: string },
  deps: CalendarDeps & { callsRegistry: Pick<CallsRegistry, "current">; clock: Clock },
): Promise<Placement> {
  const now = deps.clock.now();
  const [settings, planned, current] = await Promise.all([
    deps.calendarSettings.get(slot.chatId),
    deps.calendar.forChat(slot.chatId),
    deps.callsRegistry.current(slot.chatId),
  ]);
  const setEndOfCurrent = current?.call ? await deps.autoEnds.endOf(current.call.id) : undefined;
  const conflicts = findConflicts(
    { startsAt: slot.scheduleDate, ...(slot.endAt !== undefined && { endAt: slot.endAt }) },
    { planned, current, ...(setEndOfCurrent !== undefined && { setEndOfCurrent }) },
    {
      defaultLengthSeconds: settings.defaultLengthSeconds,
      nowSeconds: Math.floor(now / 1000),
      ...(slot.ignorePlanId !== undefined && { ignorePlanId: slot.ignorePlanId }),
    },
  );
  if (conflicts.length > 0) {
    return {
      kind: "conflict",
      conflicts,
      proposal: firstFreeStart(conflicts),
      defaultLengthSeconds: settings.defaultLengthSeconds,
    };
  }
  const dueAt = (slot.scheduleDate - settings.leadSeconds) * 1000;
  if (dueAt > now) return { kind: "plan", dueAt };
  // Telegram holds one call per chat: a free-in-time call still waits for the slot.
  if (current !== undefined || slot.ignorePlanId !== undefined) return { kind: "plan", dueAt: now };
  return { kind: "now" };
}
