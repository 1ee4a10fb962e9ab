import type { InlineKeyboard } from "grammy";
import { describeCall } from "../messages/describe-call.ts";
import { encodePlanPress } from "./plan-buttons.ts";
import type { PlannedCall } from "./planned-call.ts";
import { describePlan } from "./render-planned.ts";

/** Planned calls shown in one /calls message, soonest first. */
export const MAX_PLANNED_LISTED = 10;

/**
 * The "planned" part of a /calls message: each plan with its time, its state ("planned: appears
 * in Telegram on Mon 12 Jan") and, while it waits, Cancel, Rename and Move buttons (the latter two
 * say which command to send). Adds its buttons to `keyboard`; returns its lines.
 */
export function renderPlannedSection(
  planned: readonly PlannedCall[],
  ctx: { timeZone: string; now: number; isPrivate: boolean },
  keyboard: InlineKeyboard,
): string[] {
  const lines = [
    "",
    `🗓 Planned by me (Telegram holds calls 8 days ahead at most; times in ${ctx.timeZone}):`,
  ];
  [...planned]
    .sort((a, b) => a.scheduleDate - b.scheduleDate)
    .slice(0, MAX_PLANNED_LISTED)
    .forEach((plan) => {
      const what = describeCall({ title: plan.title, rtmp: plan.rtmp });
      const where = ctx.isPrivate ? ` in «${plan.target.title}»` : "";
      lines.push("", `${plan.id}. ${what.charAt(0).toUpperCase()}${what.slice(1)}${where}`);
      lines.push(...describePlan(plan, ctx));
      if (plan.state !== "planned") return;
      keyboard
        .text(`${plan.id}. ✖️ Cancel`, encodePlanPress("cancel", plan.id))
        .text(`${plan.id}. ✏️ Rename`, encodePlanPress("rename", plan.id))
        .text(`${plan.id}. ➡️ Move`, encodePlanPress("move", plan.id))
        .row();
    });
  return lines;
}
