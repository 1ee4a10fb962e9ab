import { z } from "zod";
import { CallRefSchema } from "./call-action.ts";
import { TargetChatSchema } from "./call-request.ts";

/**
 * Version 1 of "end this call once it has been empty for N minutes" (/endwhenempty N in the
 * chat). The bot queues one per live call (job id emptyWatchJobId, so one per call); the worker
 * keeps it delayed, looking at the call about once a minute, and ends exactly this call
 * (phone.discardGroupCall on `call`, never the chat's current call) when it stayed empty for
 * `emptyMinutes`. A call ended by hand ends the watch: the bot removes the job on video_chat_ended,
 * and the worker stops when Telegram says the call is over.
 */
export const EmptyWatchRequestSchema = z.object({
  v: z.literal(1),
  kind: z.literal("empty-watch"),
  /** emptyWatchJobId(call.id): the job id, one watch per call. */
  requestId: z.string().min(1).max(200),
  target: TargetChatSchema,
  call: CallRefSchema,
  emptyMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Unix milliseconds the bot asked. */
  requestedAt: z.number().int().positive(),
});
export type EmptyWatchRequest = z.infer<typeof EmptyWatchRequestSchema>;

/** The job id of a call's end-when-empty watch: `endwhenempty_<call id>`. */
export function emptyWatchJobId(callId: string): string {
  return `endwhenempty_${callId}`;
}
