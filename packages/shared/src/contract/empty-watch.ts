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

/**
 * Version 1 of the worker's word that a call's end-when-empty watch stopped before the call
 * ended: the account watching it lost its Telegram session, and no other assistant account online
 * may manage calls in the chat to take the watch over. The bot tells the chat, since people
 * there expect the call to end by itself. Published once per call.
 */
export const EmptyWatchStoppedSchema = z.object({
  v: z.literal(1),
  kind: z.literal("empty-watch-stopped"),
  target: TargetChatSchema,
  callId: z.string().regex(/^-?\d+$/),
  reason: z.literal("session-dead"),
  /** The account that watched the call, named in the message. */
  account: z.object({
    id: z.number().int().positive(),
    /** Public username without "@". */
    username: z.string().min(1).optional(),
  }),
  /** Unix milliseconds. */
  at: z.number().int().positive(),
});
export type EmptyWatchStopped = z.infer<typeof EmptyWatchStoppedSchema>;

/** The results job id of a call's EmptyWatchStopped: one per call. */
export function emptyWatchStoppedJobId(callId: string): string {
  return `endwhenempty-stopped_${callId}`;
}
