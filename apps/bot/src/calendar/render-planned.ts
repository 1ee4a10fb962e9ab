import { DateTime } from "luxon";
import { describeCall } from "../messages/describe-call.ts";
import { formatClockTime, formatDistance, formatScheduleTime } from "../messages/format-time.ts";
import type { Conflict } from "./find-conflicts.ts";
import type { PlannedCall } from "./planned-call.ts";

/** "Mon 12 Jan": the day a planned call appears in Telegram, in the reader's zone. */
export function formatDay(unixMs: number, timeZone: string): string {
  return DateTime.fromMillis(unixMs, { zone: timeZone }).toFormat("ccc d LLL");
}

/** A plan's state for /calls: "planned: appears in Telegram on Mon 12 Jan". */
export function describePlanState(plan: PlannedCall, ctx: { timeZone: string; now: number }): string {
  switch (plan.state) {
    case "planned":
      return plan.dueAt <= ctx.now
        ? "🗓 planned: waits for the chat's current call to end (Telegram allows one per chat)"
        : `🗓 planned: appears in Telegram on ${formatDay(plan.dueAt, ctx.timeZone)}`;
    case "created":
      return "✅ created in Telegram";
    case "failed":
      return "❌ could not be created in Telegram when due (its maker was told why)";
    case "cancelled":
      return "✖️ cancelled";
  }
}

/** The line under a planned call's title in /calls: when, its end, its state, and its commands. */
export function describePlan(plan: PlannedCall, ctx: { timeZone: string; now: number }): string[] {
  const lines = [
    `   ${formatScheduleTime(plan.scheduleDate, ctx.timeZone)}, ${formatDistance(plan.scheduleDate, ctx.now)}${plan.endAt === undefined ? "" : `, ends ${formatClockTime(plan.endAt, ctx.timeZone)}`}`,
    `   ${describePlanState(plan, ctx)}`,
  ];
  if (plan.state === "planned") lines.push(`   /moveplan ${plan.id} <time> · /renameplan ${plan.id} <title>`);
  return lines;
}

/**
 * The answer to a /newcall that the calendar took, or to a move. Times are in the reader's zone
 * (`timeZone`, who sent the command or tapped): a plan keeps its maker's zone, but whoever moves
 * it typed the time in their own, and reads the answer in it too.
 */
export function renderPlanned(
  plan: PlannedCall,
  ctx: { now: number; botUsername: string; timeZone?: string },
): string {
  const what = describeCall({ title: plan.title, rtmp: plan.rtmp });
  const timeZone = ctx.timeZone ?? plan.timeZone;
  const lines = [
    `🗓 Planned: ${what} in «${plan.target.title}», ${formatScheduleTime(plan.scheduleDate, timeZone)}, ${formatDistance(plan.scheduleDate, ctx.now)}.`,
  ];
  if (plan.dueAt > ctx.now) {
    lines.push(
      `Telegram holds a call at most 8 days ahead, so I keep it and create it in Telegram on ${formatScheduleTime(Math.floor(plan.dueAt / 1000), timeZone)}; I will say so here.`,
    );
  } else {
    lines.push(
      `I create it in Telegram now, or, while «${plan.target.title}» has another call (Telegram allows one per chat), as soon as that call ends; if it is still running at this one's time, I tell you here.`,
    );
  }
  if (plan.autostart) lines.push("It will start automatically at its time.");
  if (plan.endAt !== undefined)
    lines.push(`It will end by itself at ${formatScheduleTime(plan.endAt, timeZone)}.`);
  lines.push(
    `Change it: /moveplan ${plan.id} <new time>, /renameplan ${plan.id} <new title>, /cancelplan ${plan.id}, or the buttons in /calls.`,
  );
  return lines.join("\n");
}

/** The answer when a new call would overlap others of the chat: they are named, nothing is planned yet. */
export function renderConflict(
  conflicts: readonly Conflict[],
  ctx: { chatTitle: string; timeZone: string; proposal: number | undefined; defaultLengthSeconds: number },
): string {
  const lines = [
    `⚠️ «${ctx.chatTitle}» can have one call at a time (Telegram's rule), and this one would overlap:`,
  ];
  for (const conflict of conflicts) {
    const where =
      conflict.where === "planned"
        ? `planned (${conflict.planId})`
        : conflict.where === "live"
          ? "live now"
          : "scheduled";
    const end = conflict.endIsSet
      ? `ends ${formatClockTime(conflict.endsAt, ctx.timeZone)}`
      : `taken to last ${Math.round(ctx.defaultLengthSeconds / 60)} min, to ${formatClockTime(conflict.endsAt, ctx.timeZone)}`;
    lines.push(
      `• ${describeCall({ title: conflict.title, rtmp: conflict.rtmp })}, ${where}, ${formatScheduleTime(conflict.startsAt, ctx.timeZone)}, ${end}`,
    );
  }
  lines.push("Nothing was planned or replaced.");
  if (ctx.proposal !== undefined)
    lines.push(
      `“Plan after it” plans yours at ${formatScheduleTime(ctx.proposal, ctx.timeZone)}; or send /newcall again with another time.`,
    );
  return lines.join("\n");
}

/** What the maker reads when a planned call could not be created when it was due (once). */
export function renderPlanUndeliverable(
  facts: {
    title: string | undefined;
    rtmp: boolean;
    chatTitle: string;
    scheduleDate: number;
    timeZone: string;
  },
  reason: { kind: "slot-busy"; existingTitle: string | undefined } | { kind: "failed"; what: string },
): string {
  const what = describeCall(facts);
  const head = `⚠️ Your planned ${what} in «${facts.chatTitle}» for ${formatScheduleTime(facts.scheduleDate, facts.timeZone)} could not be created in Telegram when it was due.`;
  if (reason.kind === "slot-busy") {
    const other = reason.existingTitle === undefined ? "another call" : `the call “${reason.existingTitle}”`;
    return [
      head,
      `«${facts.chatTitle}» still had ${other} at that time, and Telegram allows one call per chat; I never end a call for a planned one.`,
      "What to do: end that call in /calls (or in Telegram), then send /newcall again; or plan it for a later time.",
    ].join("\n");
  }
  return [head, reason.what, "When that is fixed, send /newcall again (a new time is fine)."].join("\n");
}
