import { z } from "zod";

/**
 * Version 1 of the job the bot puts on the calls queue and the worker runs.
 * Both ends parse it with this schema: a job that does not fit is failed with the
 * reason and never runs half-way.
 */

/** Telegram's server-side limit on a group call title (TDLib MAX_TITLE_LENGTH). */
export const MAX_CALL_TITLE_LENGTH = 64;
/** A scheduled call must start at least this far ahead (Telegram: SCHEDULE_DATE_INVALID otherwise). */
export const MIN_SCHEDULE_AHEAD_SECONDS = 10;
/** ...and at most this far ahead (8 days). */
export const MAX_SCHEDULE_AHEAD_SECONDS = 8 * 24 * 60 * 60;

/** A place in a chat: a message the bot may edit later. */
export const MessageRefSchema = z.object({
  chatId: z.number().int(),
  messageId: z.number().int().positive(),
});
export type MessageRef = z.infer<typeof MessageRefSchema>;

/** The chat the call is for, as the bot resolved it through the Bot API. */
export const TargetChatSchema = z.object({
  /** Bot API chat id: -100<channel id> for supergroups and channels, -<chat id> for basic groups. */
  chatId: z.number().int().negative(),
  /** Public username without "@", when the chat has one. */
  username: z.string().min(1).optional(),
  /** The chat's title, for messages only. */
  title: z.string(),
});
export type TargetChat = z.infer<typeof TargetChatSchema>;

export const CreateCallRequestSchema = z.object({
  v: z.literal(1),
  kind: z.literal("create-call"),
  /** Idempotency key, also the job id: made from the chat and message of the command. */
  requestId: z.string().min(1).max(200),
  requester: z.object({
    userId: z.number().int().positive(),
    /** Where the command was sent (a group, or the private chat with the bot). */
    chatId: z.number().int(),
    /** The command's message; absent when no message asked (an occurrence of a recurring rule). */
    messageId: z.number().int().positive().optional(),
  }),
  /**
   * The bot's "queued" reply, which is edited with the outcome. Absent when nobody sent a
   * command (an occurrence of a recurring rule): the bot then sends a new message to requester.chatId.
   */
  ack: MessageRefSchema.optional(),
  target: TargetChatSchema,
  title: z.string().min(1).max(MAX_CALL_TITLE_LENGTH).optional(),
  /** Unix seconds; absent for a call that starts now. */
  scheduleDate: z.number().int().positive().optional(),
  /** An RTMP livestream rather than a video chat. */
  rtmp: z.boolean(),
  /** Start the scheduled call at its time: the worker adds a delayed call-action job (scheduleAutostart). */
  autostart: z.boolean().optional(),
  /** Set when a recurring rule created this request: the bot then posts a new message, not an edit. */
  recurrence: z.object({ ruleId: z.string().min(1), occurrence: z.number().int().positive() }).optional(),
  /**
   * The chat's call that someone allowed to end calls confirmed replacing (Replace it). The worker
   * ends exactly that call and creates the new one; if the chat's call is another one by then,
   * nothing is ended and the result names that call (ask again).
   */
  replaceCallId: z
    .string()
    .regex(/^-?\d+$/)
    .optional(),
  /**
   * Set when the bot's calendar planned this call (further ahead than Telegram schedules, or
   * while the chat's one slot was taken): the job waits in the queue until `dueAt` (unix ms, by
   * the worker's clock), then creates the call; a chat that still has another call is waited for,
   * never replaced, until shortly before the call's time. `id` is the calendar's id of the plan.
   */
  planned: z.object({ id: z.string().min(1).max(40), dueAt: z.number().int().positive() }).optional(),
  /** Unix seconds the call is ended by itself (`for 30m`, `until 19:30`): the bot plans the end when the call exists. */
  endAt: z.number().int().positive().optional(),
  /** IANA zone the requester's times are shown in. */
  timeZone: z.string().min(1),
  /** Unix milliseconds, when the bot queued it. */
  requestedAt: z.number().int().positive(),
});
export type CreateCallRequest = z.infer<typeof CreateCallRequestSchema>;
