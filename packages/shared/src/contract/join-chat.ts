import { z } from "zod";
import { MessageRefSchema, TargetChatSchema } from "./call-request.ts";
import { CallFailureSchema } from "./call-result.ts";

/**
 * Version 1 of the job that brings the assistant account into a chat (/setup's "Add the
 * assistant"). Bots cannot add users to chats; the account joins by itself:
 * - `public`: channels.joinChannel, found by the chat's username;
 * - `invite`: messages.importChatInvite with a one-use invite link the bot made. The link is a
 *   secret and never part of the job (BullMQ keeps job data for days): the bot leaves it under
 *   joinInviteKey(prefix, requestId) with a short expiry, and revokes it once the result is in.
 */
export const JoinChatRequestSchema = z.object({
  v: z.literal(1),
  kind: z.literal("join-chat"),
  /** Idempotency key and job id (no ':'). */
  requestId: z.string().min(1).max(200),
  requester: z.object({ userId: z.number().int().positive(), chatId: z.number().int() }),
  /** The set-up checklist to redraw with the outcome. */
  ack: MessageRefSchema,
  target: TargetChatSchema,
  /** For the checklist's add-the-bot link (startgroup or startchannel). */
  chatType: z.enum(["group", "supergroup", "channel"]),
  via: z.enum(["public", "invite"]),
  requestedAt: z.number().int().positive(),
  /**
   * With several assistant accounts: how the checklist names the one asked to join (the job is in
   * that account's own queue). Absent with one account: the checklist names the published one.
   */
  assistantName: z.string().min(1).max(200).optional(),
});
export type JoinChatRequest = z.infer<typeof JoinChatRequestSchema>;

export const JoinChatOutcomeSchema = z.discriminatedUnion("status", [
  z.object({ status: z.literal("joined") }),
  z.object({ status: z.literal("already-member") }),
  z.object({ status: z.literal("failed"), failure: CallFailureSchema }),
  z.object({ status: z.literal("delayed"), delaySeconds: z.number().int().positive() }),
]);
export type JoinChatOutcome = z.infer<typeof JoinChatOutcomeSchema>;

export const JoinChatResultSchema = z.object({
  v: z.literal(1),
  kind: z.literal("join-chat"),
  request: JoinChatRequestSchema,
  outcome: JoinChatOutcomeSchema,
  finishedAt: z.number().int().positive(),
});
export type JoinChatResult = z.infer<typeof JoinChatResultSchema>;

/** Where the bot leaves a join's invite link for the worker (expires by itself). */
export function joinInviteKey(prefix: string, requestId: string): string {
  return `${prefix}:join-invite:${requestId}`;
}
