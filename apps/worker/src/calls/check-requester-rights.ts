import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { CallJobError } from "./call-job-error.ts";

type Standing = "owner" | "call-admin" | "none";

/** Up to this many admins are read; a chat with more is far outside what this product serves. */
const ADMINS_PAGE = 200;

/**
 * For a job that waited in the queue, asks Telegram whether the requester still may do this:
 * the chat's owner, or an admin with the video-chat right; an RTMP stream (or replacing its key)
 * needs the owner. Fails with REQUESTER_RIGHTS_REVOKED / `ownerOnlyError` otherwise.
 *
 * It lists the chat's admins rather than asking about one participant, because
 * channels.getParticipant needs the requester's access hash, which the assistant account may
 * never have seen. One request either way, and only for jobs that waited.
 */
export async function checkRequesterStillAllowed(
  invoke: InvokeTelegram,
  target: ResolvedTarget,
  requesterId: number,
  ownerOnly: boolean,
  /** The refusal when the owner is needed: RTMP_OWNER_ONLY for a livestream, RTMP_KEY_OWNER_ONLY for a key rotation. */
  ownerOnlyError: "RTMP_OWNER_ONLY" | "RTMP_KEY_OWNER_ONLY" = "RTMP_OWNER_ONLY",
): Promise<void> {
  const standing = await standingOf(invoke, target, requesterId);
  if (ownerOnly && standing !== "owner") {
    throw new CallJobError(ownerOnlyError, "only the chat's owner may do this", "user");
  }
  if (standing === "none") {
    throw new CallJobError(
      "REQUESTER_RIGHTS_REVOKED",
      "the requester is no longer the owner or an admin with the right to manage video chats",
      "user",
    );
  }
}

async function standingOf(invoke: InvokeTelegram, target: ResolvedTarget, userId: number): Promise<Standing> {
  const user = String(userId);
  if (target.channel) {
    const admins = await invoke(
      new Api.channels.GetParticipants({
        channel: target.channel,
        filter: new Api.ChannelParticipantsAdmins(),
        offset: 0,
        limit: ADMINS_PAGE,
        hash: returnBigInt(0),
      }),
    );
    if (!(admins instanceof Api.channels.ChannelParticipants)) return "none";
    for (const participant of admins.participants) {
      if (participant instanceof Api.ChannelParticipantCreator && participant.userId.toString() === user) {
        return "owner";
      }
      if (participant instanceof Api.ChannelParticipantAdmin && participant.userId.toString() === user) {
        return participant.adminRights.manageCall ? "call-admin" : "none";
      }
    }
    return "none";
  }

  // Basic groups have no per-right admin flags: every admin may manage video chats.
  const full = await invoke(new Api.messages.GetFullChat({ chatId: returnBigInt(target.chat.id) }));
  const participants =
    full.fullChat instanceof Api.ChatFull && full.fullChat.participants instanceof Api.ChatParticipants
      ? full.fullChat.participants.participants
      : [];
  for (const participant of participants) {
    if (participant.userId.toString() !== user) continue;
    if (participant instanceof Api.ChatParticipantCreator) return "owner";
    if (participant instanceof Api.ChatParticipantAdmin) return "call-admin";
  }
  return "none";
}
