import { CALL_JOB_NAMES } from "@callbot/shared";
import type { Queue } from "bullmq";

/** Delayed jobs looked at per video_chat_ended: occurrences waiting are few; auto-starts share the set. */
const MAX_SCANNED = 500;

/**
 * A chat's call ended (its video_chat_ended service message): the recurring occurrences (and
 * due planned calls) of that chat that wait for it (delayed create-call jobs, see the worker's recurring-wait.ts) run now
 * instead of at their next re-check. Their check with Telegram still decides; promoting one that
 * meanwhile ran or was removed does nothing.
 */
export async function wakeWaitingOccurrences(queue: Queue, chatId: number, nowMs: number): Promise<number> {
  const delayed = await queue.getDelayed(0, MAX_SCANNED - 1);
  let woken = 0;
  for (const job of delayed) {
    const data = job.data as
      | { recurrence?: unknown; planned?: { dueAt?: unknown }; target?: { chatId?: unknown } }
      | undefined;
    if (job.name !== CALL_JOB_NAMES.createCall) continue;
    // A planned call that is due and waits for the slot goes too; one still early stays (its hop re-checks).
    const waitingPlan = typeof data?.planned?.dueAt === "number" && data.planned.dueAt <= nowMs;
    if (data?.recurrence === undefined && !waitingPlan) continue;
    if (data.target?.chatId !== chatId) continue;
    const promoted = await job.promote().then(
      () => true,
      () => false,
    );
    if (promoted) woken += 1;
  }
  return woken;
}
