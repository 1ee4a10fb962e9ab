import { type EmptyWatchRequest, jobTooNew, parseCallsJob } from "@callbot/shared";
import type { Job } from "bullmq";
import { emptyWatchJob } from "../empty-watch/empty-watch-job.ts";
import type { ParticipantCounts } from "../empty-watch/participant-counts.ts";
import { recurringOccurrenceJob } from "../recurring/recurring-occurrence-job.ts";
import { type JoinChatJobDeps, joinChatJob } from "../setup/join-chat-job.ts";
import { type CallActionJobDeps, callActionJob } from "./call-action-job.ts";
import { type CreateGroupCallJobDeps, createGroupCallJob } from "./create-group-call-job.ts";
import { refuseNewerJob } from "./refuse-newer-job.ts";

/** What the five kinds of calls-queue job need between them. */
export type CallsJobDeps = CreateGroupCallJobDeps &
  CallActionJobDeps &
  JoinChatJobDeps & {
    /** Pushed participant counts (followParticipantCounts), read by the end-when-empty watch. */
    participantCounts: ParticipantCounts;
    /** The end-when-empty watch's minute. */
    emptyWatchMinuteMs: number;
    /** Tells the chat its call will no longer end by itself (publishWatchStopped). */
    tellWatchStopped: (request: EmptyWatchRequest) => Promise<void>;
  };

/** Runs one calls-queue job: BullMQ's processor, with the job's lock token. */
export type CallsJobProcessor = (job: Job, token?: string) => Promise<unknown>;

/**
 * One queue, five kinds of job (CALLS_QUEUE_JOBS), told apart by name. A job of unknown name or
 * with data that does not fit fails for good in parseCallsJob, and never runs half-way; a newer
 * bot's job (an upgrade done bot first) is refused with an answer.
 */
export function routeCallsJob(deps: CallsJobDeps): CallsJobProcessor {
  const createCall = createGroupCallJob(deps);
  const callAction = callActionJob(deps);
  const recurringOccurrence = recurringOccurrenceJob(deps);
  const joinChat = joinChatJob(deps);
  const emptyWatch = emptyWatchJob({
    invoke: deps.invoke,
    counts: deps.participantCounts,
    logger: deps.logger,
    now: deps.now,
    minuteMs: deps.emptyWatchMinuteMs,
    sessionDeath: deps.sessionDeath,
    ...(deps.handOn !== undefined && { handOn: deps.handOn }),
    tellStopped: deps.tellWatchStopped,
  });
  return async (job, token) => {
    const tooNew = jobTooNew(job.name, job.data);
    if (tooNew) return refuseNewerJob(job, tooNew, deps);
    const parsed = parseCallsJob(job);
    switch (parsed.name) {
      case "create-call":
        return createCall(job, parsed.data, token);
      case "call-action":
        return callAction(job, parsed.data);
      case "recurring-occurrence":
        return recurringOccurrence(job, parsed.data);
      case "join-chat":
        return joinChat(job, parsed.data);
      case "empty-watch":
        return emptyWatch(job, parsed.data, token);
    }
  };
}
