import { CALL_JOB_NAMES, type CreateCallRequest, CreateCallRequestSchema } from "@callbot/shared";
import type { Queue } from "bullmq";
import { accountCallQueues } from "./account-call-queues.ts";

/** Jobs looked at per /calls; the calls queue is normally near empty, this only bounds a backlog. */
const MAX_JOBS_READ = 200;

export interface PendingRequest {
  request: CreateCallRequest;
  /** The worker is running it: too late to cancel. */
  running: boolean;
}

/**
 * Create-call requests still in the calls queue or an assistant account's own (waiting, delayed,
 * or being run), so that /calls shows what was asked for but is not a call yet.
 */
export async function readPendingRequests(
  queue: Queue,
  chatIds: ReadonlySet<number> | "all",
): Promise<PendingRequest[]> {
  const queues = [queue, ...(await accountCallQueues(queue))];
  const jobs = (
    await Promise.all(
      queues.map((q) => q.getJobs(["waiting", "prioritized", "delayed", "active"], 0, MAX_JOBS_READ - 1)),
    )
  ).flat();
  const pending: PendingRequest[] = [];
  const seen = new Set<string>();
  for (const job of jobs) {
    if (!job || job.name !== CALL_JOB_NAMES.createCall) continue;
    // A job is in two queues only for the moment a worker hands it to an account's.
    if (seen.has(job.id ?? "")) continue;
    seen.add(job.id ?? "");
    const parsed = CreateCallRequestSchema.safeParse(job.data);
    if (!parsed.success) continue;
    if (chatIds !== "all" && !chatIds.has(parsed.data.target.chatId)) continue;
    // A planned call's job waits weeks: the calendar lists it (calendar/), not as a queued request.
    if (parsed.data.planned !== undefined) continue;
    pending.push({ request: parsed.data, running: (await job.getState()) === "active" });
  }
  return pending;
}
