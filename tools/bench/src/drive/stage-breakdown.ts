import { performance } from "node:perf_hooks";
import { jobIdForCommand, QUEUE_NAMES } from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { type LatencySummary, summariseLatencies } from "../stats/latency-summary.ts";
import type { TrackedRequest } from "./newcall-tracker.ts";

/**
 * Where the end-to-end time of a /newcall goes, from the timestamps BullMQ keeps on each job
 * (Date.now() of the bot and worker processes, same machine clock, millisecond resolution):
 *
 *   sent -> ack          the update reaches the bot (long polling), checks, "Queued" sent
 *   ack -> taken         the create-call job waits in Redis until the worker takes it
 *   taken -> published   the worker's part: peer, createGroupCall, the result added
 *   published -> picked  the result waits until the bot's results consumer takes it
 *   picked -> edited     the bot renders the result and edits the ack
 */
export interface StageBreakdown {
  /** Requests whose two jobs were still in Redis (the results queue keeps its last 1000). */
  requests: number;
  sentToAck: LatencySummary | undefined;
  ackToTaken: LatencySummary | undefined;
  takenToPublished: LatencySummary | undefined;
  publishedToPicked: LatencySummary | undefined;
  pickedToEdited: LatencySummary | undefined;
}

interface JobTimes {
  timestamp: number;
  processedOn?: number;
}

export async function stageBreakdown(
  redis: Redis,
  prefix: string,
  requests: readonly TrackedRequest[],
): Promise<StageBreakdown> {
  const calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix });
  const results = new Queue(QUEUE_NAMES.results, { connection: redis, prefix });
  // performance.now() of this process -> the wall clock the other processes stamp jobs with.
  const wall = (t: number) => performance.timeOrigin + t;
  const stages = {
    sentToAck: [] as number[],
    ackToTaken: [] as number[],
    takenToPublished: [] as number[],
    publishedToPicked: [] as number[],
    pickedToEdited: [] as number[],
  };
  try {
    const rows = await Promise.all(
      requests.map(async (request) => {
        const requestId = jobIdForCommand(request.seat.chatId, request.messageId);
        const [callJob, resultJob] = await Promise.all([
          calls.getJob(requestId) as Promise<JobTimes | undefined>,
          results.getJob(`result_${requestId}`) as Promise<JobTimes | undefined>,
        ]);
        return { request, callJob, resultJob };
      }),
    );
    let counted = 0;
    for (const { request, callJob, resultJob } of rows) {
      const { ackAt, finalAt } = request;
      if (ackAt === undefined || finalAt === undefined || !callJob?.processedOn || !resultJob?.processedOn)
        continue;
      counted += 1;
      stages.sentToAck.push(ackAt - request.sentAt);
      stages.ackToTaken.push(callJob.processedOn - wall(ackAt));
      stages.takenToPublished.push(resultJob.timestamp - callJob.processedOn);
      stages.publishedToPicked.push(resultJob.processedOn - resultJob.timestamp);
      stages.pickedToEdited.push(wall(finalAt) - resultJob.processedOn);
    }
    return {
      requests: counted,
      sentToAck: summariseLatencies(stages.sentToAck),
      ackToTaken: summariseLatencies(stages.ackToTaken),
      takenToPublished: summariseLatencies(stages.takenToPublished),
      publishedToPicked: summariseLatencies(stages.publishedToPicked),
      pickedToEdited: summariseLatencies(stages.pickedToEdited),
    };
  } finally {
    await Promise.all([calls.close(), results.close()]);
  }
}
