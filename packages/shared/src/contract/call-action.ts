import { z } from "zod";
import { MessageRefSchema, TargetChatSchema } from "./call-request.ts";
import { CallFailureSchema, RtmpCredentialsSchema } from "./call-result.ts";

/** The in-call controls (version 2 of call-action), on a live call unless said otherwise. */
const IN_CALL_CONTROL_ACTION_NAMES = [
  /** phone.toggleGroupCallRecord start; needs `recording`; `title` names the file. */
  "record-start",
  /** phone.toggleGroupCallRecord stop; with `forwardTo`, the file is forwarded there when Telegram delivers it. */
  "record-stop",
  /** phone.toggleGroupCallSettings join_muted: people who join are muted. */
  "mute-new-participants",
  /** phone.toggleGroupCallSettings join_muted off: people who join may speak. */
  "unmute-new-participants",
  /** phone.exportGroupCallInvite can_self_unmute; the link goes to the requester's private chat only. */
  "speaker-link",
  /** phone.toggleGroupCallSettings reset_invite_hash: every earlier link stops working. */
  "reset-links",
  /** phone.inviteToGroupCall in batches; needs `invitees`. */
  "invite-users",
  /**
   * Queued by the worker after a record-stop (or end) with `forwardTo`: finds the recording in
   * the assistant's Saved Messages and forwards it (messages.forwardMessages); no `call`.
   */
  "forward-recording",
] as const;

/**
 * The jobs that act on an existing call (/calls buttons, auto-start, rename, key rotation, the
 * in-call controls). The bot queues them like create-call jobs; the worker runs them and reports
 * on the results queue with a CallActionResult.
 *
 * Version 1 has the actions up to "rtmp-credentials"; version 2 adds the in-call controls
 * (IN_CALL_CONTROL_ACTIONS), and only jobs of those actions are written as version 2, so a worker
 * a release older refuses them clearly (job-refused) and still runs every other action.
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
  ...IN_CALL_CONTROL_ACTION_NAMES,
]);
export type CallAction = z.infer<typeof CallActionSchema>;

/** The actions a version-1 reader does not know: their jobs and results are written as version 2. */
export const IN_CALL_CONTROL_ACTIONS: ReadonlySet<CallAction> = new Set(IN_CALL_CONTROL_ACTION_NAMES);

/** The version a call-action job of this action is written in (see CallActionSchema). */
export function callActionVersion(action: CallAction): 1 | 2 {
  return IN_CALL_CONTROL_ACTIONS.has(action) ? 2 : 1;
}

/** Most users one /invite may name: five of Telegram's batches of ten. */
export const MAX_INVITEES = 50;

/** Someone to invite to a call, as the requester named them. */
export const InviteeSchema = z
  .object({
    /** How the requester named them ("@max_member", or the name of the person replied to): for the report. */
    label: z.string().min(1).max(80),
    /** A public username, without "@": the worker resolves it (contacts.resolveUsername). */
    username: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{3,31}$/)
      .optional(),
    /** A user id the bot saw, with the message where it saw them (inputUserFromMessage). */
    userId: z.number().int().positive().optional(),
    seenIn: MessageRefSchema.optional(),
  })
  .refine((invitee) => invitee.username !== undefined || (invitee.userId !== undefined && invitee.seenIn), {
    message: "an invitee needs a username, or a user id with the message they were seen in",
  });
export type Invitee = z.infer<typeof InviteeSchema>;

/** What became of one invitation, in words the bot turns into a sentence. */
export const InviteResultSchema = z.object({
  label: z.string(),
  outcome: z.enum([
    "invited",
    "already-invited",
    /** Not a member of the chat: Telegram invites only members (USER_NOT_PARTICIPANT). */
    "not-member",
    /** Telegram accepted the batch but left this user out (their privacy settings, or not a member). */
    "left-out",
    /** No user has that username. */
    "not-found",
    /** Telegram refused for another reason (errorName). */
    "refused",
  ]),
  errorName: z.string().optional(),
});
export type InviteResult = z.infer<typeof InviteResultSchema>;

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
 * the call, so that the worker and the bot know whom it was for. "autoend" is the end of a call
 * made with a set end (`for 30m`, `until 19:30`), planned by the bot when the call was created.
 */
export const CallActionOriginSchema = z.enum(["user", "autostart", "autoend"]);
export type CallActionOrigin = z.infer<typeof CallActionOriginSchema>;

export const CallActionRequestSchema = z
  .object({
    /** 2 for the in-call controls (IN_CALL_CONTROL_ACTIONS), 1 for the others: callActionVersion(). */
    v: z.union([z.literal(1), z.literal(2)]),
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
    /** For rename; for record-start, the recording's title; for forward-recording, the call's title. */
    title: z.string().min(1).max(64).optional(),
    /** For record-start: audio only, or video in portrait or landscape. */
    recording: z.object({ video: z.boolean(), portrait: z.boolean() }).optional(),
    /**
     * For record-stop, and end of a call being recorded: the chat the recording is to be
     * forwarded to (the forward-recording job's target). A worker of version 1 ignores it on end.
     */
    forwardTo: TargetChatSchema.optional(),
    /** For forward-recording, whose target is where the recording goes: the chat whose call was recorded. */
    recordedIn: TargetChatSchema.optional(),
    /** For forward-recording: unix seconds of the stop; the recording is a file in Saved Messages since. */
    recordedUntil: z.number().int().positive().optional(),
    /** For invite-users. */
    invitees: z.array(InviteeSchema).min(1).max(MAX_INVITEES).optional(),
    /**
     * Auto-start: do nothing (and report "skipped") when the call was started or discarded by
     * hand meanwhile, instead of failing.
     */
    onlyIfScheduled: z.boolean().optional(),
    timeZone: z.string().min(1),
    requestedAt: z.number().int().positive(),
  })
  .refine((request) => request.v >= callActionVersion(request.action), {
    message: "the in-call controls are version 2 of call-action",
    path: ["v"],
  });
export type CallActionRequest = z.infer<typeof CallActionRequestSchema>;

/** Planned work on a user's behalf (an auto-start or an auto-end), not a request someone waits on. */
export function isAutomaticAction(
  request: Pick<CallActionRequest, "origin" | "onlyIfScheduled" | "requester">,
): boolean {
  return callActionOrigin(request) !== "user";
}

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
  /** Telegram records the call (record_start_date set); absent in results from before it was read. */
  recording: z.boolean().optional(),
  /** People who join are muted (join_muted); absent in results from before it was read. */
  joinMuted: z.boolean().optional(),
});
export type CallSnapshot = z.infer<typeof CallSnapshotSchema>;

export const CallActionOutcomeSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("done"),
    call: CallSnapshotSchema.optional(),
    inviteLink: z.string().optional(),
    /** Only ever delivered to the requester's private chat. */
    rtmpCredentials: RtmpCredentialsSchema.optional(),
    /** speaker-link: whoever holds it may speak; only ever delivered to the requester's private chat. */
    speakerLink: z.string().optional(),
    /** invite-users: one per invitee, in the order asked. */
    invites: z.array(InviteResultSchema).optional(),
    /** forward-recording: where the recording went (the copy's message id when Telegram named it). */
    forwarded: z
      .object({ to: TargetChatSchema, messageId: z.number().int().positive().optional() })
      .optional(),
  }),
  /**
   * Nothing to do: the call was already started or ended (by hand, in Telegram), or already
   * (not) recording, or already had that setting (version 2).
   */
  z.object({
    status: z.literal("skipped"),
    reason: z.enum(["already-started", "already-ended", "already-recording", "not-recording", "already-set"]),
  }),
  z.object({ status: z.literal("failed"), failure: CallFailureSchema }),
  z.object({ status: z.literal("delayed"), delaySeconds: z.number().int().positive() }),
]);
export type CallActionOutcome = z.infer<typeof CallActionOutcomeSchema>;

export const CallActionResultSchema = z.object({
  /** The version of the job it answers, so that the bot that wrote the job reads it. */
  v: z.union([z.literal(1), z.literal(2)]),
  kind: z.literal("call-action"),
  request: CallActionRequestSchema,
  outcome: CallActionOutcomeSchema,
  finishedAt: z.number().int().positive(),
});
export type CallActionResult = z.infer<typeof CallActionResultSchema>;
