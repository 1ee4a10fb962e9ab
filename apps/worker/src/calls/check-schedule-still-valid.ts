import { MAX_SCHEDULE_AHEAD_SECONDS, MIN_SCHEDULE_AHEAD_SECONDS } from "@callbot/shared";
import { CallJobError } from "./call-job-error.ts";

/**
 * The bot checked the schedule date when it queued the job, but a job can wait in the queue
 * (a flood wait, retries, a stopped worker). Telegram refuses dates less than 10 s or more than
 * 8 days ahead, so this checks again just before the call, without spending a request.
 *
 * - already past: SCHEDULE_DATE_INVALID (what Telegram would answer);
 * - in the future but under 10 s: SCHEDULE_TOO_SOON_AT_RUN (the wait in the queue ate the margin);
 * - over 8 days: SCHEDULE_DATE_INVALID.
 */
export function checkScheduleStillValid(scheduleDate: number | undefined, nowMs: number): void {
  if (scheduleDate === undefined) return;
  const aheadSeconds = scheduleDate - Math.floor(nowMs / 1000);
  if (aheadSeconds <= 0) {
    throw new CallJobError(
      "SCHEDULE_DATE_INVALID",
      `the start time passed ${-aheadSeconds} s ago while the request waited`,
      "user",
    );
  }
  if (aheadSeconds < MIN_SCHEDULE_AHEAD_SECONDS) {
    throw new CallJobError(
      "SCHEDULE_TOO_SOON_AT_RUN",
      `the start time is only ${aheadSeconds} s away`,
      "user",
    );
  }
  if (aheadSeconds > MAX_SCHEDULE_AHEAD_SECONDS) {
    throw new CallJobError("SCHEDULE_DATE_INVALID", `the start time is more than 8 days away`, "user");
  }
}
