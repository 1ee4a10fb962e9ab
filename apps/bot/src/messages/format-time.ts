import { DateTime } from "luxon";

/**
 * A schedule time as the requester reads it: "Sat 28 Nov 2026, 18:30 (Europe/Berlin, UTC+1)".
 * The zone is always named so nobody has to guess which 18:30 is meant.
 */
export function formatScheduleTime(unixSeconds: number, timeZone: string): string {
  const local = DateTime.fromSeconds(unixSeconds, { zone: timeZone });
  return `${local.toFormat("ccc d LLL yyyy, HH:mm")} (${timeZone}, UTC${local.toFormat("ZZ")})`;
}

/** "in 2 h 5 min" style distance from now, to go with the absolute time. */
export function formatDistance(unixSeconds: number, nowMs: number): string {
  const total = Math.max(0, Math.round(unixSeconds - nowMs / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const parts: string[] = [];
  if (days > 0) parts.push(`${days} d`);
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0 && days === 0) parts.push(`${minutes} min`);
  if (parts.length === 0) parts.push(`${total} s`);
  return `in ${parts.join(" ")}`;
}

/** A time of day as the requester reads it, "18:02", for times within the last day or so. */
export function formatClockTime(unixSeconds: number, timeZone: string): string {
  return DateTime.fromSeconds(unixSeconds, { zone: timeZone }).toFormat("HH:mm");
}
