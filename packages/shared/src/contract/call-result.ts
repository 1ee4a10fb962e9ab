import { z } from "zod";
import { CreateCallRequestSchema } from "./call-request.ts";

/** What the user can do about a Telegram error; see the error catalogue. */
export const ErrorCategorySchema = z.enum([
  /** The requester (or the chat's owner) can fix it: rights, input, chat settings. */
  "user",
  /** Try again later: network, Telegram's 5xx, timeouts. */
  "retry",
  /** Will not work however often it is tried. */
  "permanent",
  /** The userbot's session is dead; the operator must log in again. */
  "session",
  /** Telegram asked to wait (FLOOD_WAIT_X, SLOWMODE_WAIT_X). */
  "flood",
]);
export type ErrorCategory = z.infer<typeof ErrorCategorySchema>;

export const CreatedCallSchema = z.object({
  /** MTProto longs travel as decimal strings. */
  id: z.string().regex(/^-?\d+$/),
  accessHash: z.string().regex(/^-?\d+$/),
  title: z.string().optional(),
  /** Unix seconds, for a scheduled call. */
  scheduleDate: z.number().int().positive().optional(),
  rtmp: z.boolean(),
  /** Present for a public chat. */
  inviteLink: z.string().optional(),
});
export type CreatedCall = z.infer<typeof CreatedCallSchema>;

/** RTMP credentials: sent to the requester's private chat only, never to a group. */
export const RtmpCredentialsSchema = z.object({
  url: z.string().min(1),
  key: z.string().min(1),
});
export type RtmpCredentials = z.infer<typeof RtmpCredentialsSchema>;

export const CallFailureSchema = z.object({
  /** Telegram's error name (CHAT_ADMIN_REQUIRED, FLOOD_WAIT, ...) or one of ours (TIMEOUT, STALLED, ...). */
  errorName: z.string().min(1),
  category: ErrorCategorySchema,
  /** Seconds, for the flood category. */
  retryAfter: z.number().int().nonnegative().optional(),
});
export type CallFailure = z.infer<typeof CallFailureSchema>;

/**
 * The chat's scheduled or live call, found before creating: Telegram allows one call per chat,
 * and a create would end it for everyone (core.telegram.org/api/group-calls).
 */
export const ExistingCallSchema = z.object({
  id: z.string().regex(/^-?\d+$/),
  accessHash: z.string().regex(/^-?\d+$/),
  state: z.enum(["scheduled", "active"]),
  title: z.string().optional(),
  /** Unix seconds, while scheduled. */
  scheduleDate: z.number().int().positive().optional(),
  rtmp: z.boolean(),
});
export type ExistingCall = z.infer<typeof ExistingCallSchema>;

export const CreateCallOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("created"),
    call: CreatedCallSchema,
    rtmpCredentials: RtmpCredentialsSchema.optional(),
    /** The chat's earlier call that this request ended, because someone confirmed replacing it. */
    replacedCallId: z
      .string()
      .regex(/^-?\d+$/)
      .optional(),
  }),
  /** Nothing was created: the chat already has this call (the requester may confirm replacing it). */
  z.object({ status: z.literal("exists"), existing: ExistingCallSchema }),
  z.object({ status: z.literal("failed"), failure: CallFailureSchema }),
  /** Not final: Telegram asked the account to wait; the job runs again after delaySeconds. */
  z.object({ status: z.literal("delayed"), delaySeconds: z.number().int().positive() }),
]);
export type CreateCallOutcome = z.infer<typeof CreateCallOutcomeSchema>;

/**
 * Version 1 of what the worker puts on the results queue for the bot. It carries the
 * request back so that the bot needs nothing else to report, even after a restart.
 */
export const CreateCallResultSchema = z.object({
  v: z.literal(1),
  kind: z.literal("create-call"),
  request: CreateCallRequestSchema,
  outcome: CreateCallOutcomeSchema,
  /** Unix milliseconds. */
  finishedAt: z.number().int().positive(),
});
export type CreateCallResult = z.infer<typeof CreateCallResultSchema>;
