import { z } from "zod";
import { MessageRefSchema, TargetChatSchema } from "./call-request.ts";
import { CallFailureSchema, RtmpCredentialsSchema } from "./call-result.ts";

/**
 * Version 1 of the jobs that act on an existing call (/calls buttons, auto-start,
 * rename, key rotation). The bot queues them like create-call jobs; the worker runs them and
 * reports on the results queue with a CallActionResult.
 */
export const CallActionSchema = z.enum([
  /** phone.startScheduledGroupCall. */
  "start",
  /** phone.discardGroupCall. */
  "end",
  /** phone.editGroupCallTitle; needs `title`. */
  "rename",
  /** phone.getGroupCallStreamRtmpUrl with revoke: the chat's owner only. */
  "rotate-rtmp-key",
  /** phone.exportGroupCallInvite (public chats only). */
  "invite-link",
  /** phone.getGroupCallStreamRtmpUrl without revoke; the answer goes to a private chat only. */
  "rtmp-credentials",
]);
export type CallAction = z.infer<typeof CallActionSchema>;

/** A group call as MTProto knows it: the pair every phone.* method takes. */
export const CallRefSchema = z.object({
  id: z.string().regex(/^-?\d+$/),
  accessHash: z.string().regex(/^-?\d+$/),
});
export type CallRef = z.infer<typeof CallRefSchema>;

/**
 * Who asked for an action: a user (a /calls button, /rename, /rotatekey), or the system on a
 * user's behalf (the auto-start of a call scheduled with autostart). The bot words and places its
 * report by this, and the worker skips the late rights re-check for planned work. It is explicit
 * because the requester's id cannot tell: an auto-start carries the id of the user who scheduled
 * the call, so that the worker and the bot know whom it was for.
 */
export const CallActionOriginSchema = z.enum(["user", "autostart"]);
export type CallActionOrigin = z.infer<typeof CallActionOriginSchema>;

export const CallActionRequestSchema = z.object({
  v: z.literal(1),
  kind: z.literal("call-action"),
  /** Idempotency key and job id (no ':' in BullMQ custom ids). */
  requestId: z.string().min(1).max(200),
  action: CallActionSchema,
  /**
   * Absent only in jobs queued before the field existed (an auto-start can wait 8 days in
   * Redis): read it with callActionOrigin(), never directly.
   */
  origin: CallActionOriginSchema.optional(),
  requester: z.object({
    /** The user the action is for; an auto-start carries the user who scheduled the call. */
    userId: z.number().int().nonnegative(),
    chatId: z.number().int(),
  }),
  /** The message to edit with the outcome; absent: the bot sends a new message to requester.chatId. */
  ack: MessageRefSchema.optional(),
  target: TargetChatSchema,
  /** Absent only for rtmp-credentials and rotate-rtmp-key, which name the chat, not a call. */
  call: CallRefSchema.optional(),
  /** For rename. */
  title: z.string().min(1).max(64).optional(),
  /**
   * Auto-start: do nothing (and report "skipped") when the call was started or discarded by
   * hand meanwhile, instead of failing.
   */
  onlyIfScheduled: z.boolean().optional(),
  timeZone: z.string().min(1),
  requestedAt: z.number().int().positive(),
});
export type CallActionRequest = z.infer<typeof CallActionRequestSchema>;

/**
 * The origin of an action, also for jobs queued before `origin` existed: those marked their
 * auto-starts only with onlyIfScheduled (and, in older bot versions, user id 0).
 */
export function callActionOrigin(
  request: Pick<CallActionRequest, "origin" | "onlyIfScheduled" | "requester">,
): CallActionOrigin {
  if (request.origin !== undefined) return request.origin;
  return request.onlyIfScheduled === true || request.requester.userId === 0 ? "autostart" : "user";
}

/** The state of a call after an action, as Telegram answered it. */
export const CallSnapshotSchema = CallRefSchema.extend({
  state: z.enum(["scheduled", "active", "discarded"]),
  title: z.string().optional(),
  scheduleDate: z.number().int().positive().optional(),
  rtmp: z.boolean(),
});
export type CallSnapshot = z.infer<typeof CallSnapshotSchema>;

export const CallActionOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("done"),
    call: CallSnapshotSchema.optional(),
    inviteLink: z.string().optional(),
    /** Only ever delivered to the requester's private chat. */
    rtmpCredentials: RtmpCredentialsSchema.optional(),
  }),
  /** Nothing to do: the call was already started or ended (by hand, in Telegram). */
  z.object({ status: z.literal("skipped"), reason: z.enum(["already-started", "already-ended"]) }),
  z.object({ status: z.literal("failed"), failure: CallFailureSchema }),
  z.object({ status: z.literal("delayed"), delaySeconds: z.number().int().positive() }),
]);
export type CallActionOutcome = z.infer<typeof CallActionOutcomeSchema>;

export const CallActionResultSchema = z.object({
  v: z.literal(1),
  kind: z.literal("call-action"),
  request: CallActionRequestSchema,
  outcome: CallActionOutcomeSchema,
  finishedAt: z.number().int().positive(),
});
export type CallActionResult = z.infer<typeof CallActionResultSchema>;
