import { seededLong, seededToken } from "./deterministic-ids.ts";
import { assertMayManageCalls, callTitleWithinLimit, canManageCalls } from "./group-call-rules.ts";
import { TelegramRpcError, type WorldDocument, type WorldGroupCall } from "./types.ts";
import type { World } from "./world.ts";

/**
 * The in-call controls of a live group call: recording, join_muted, invite links with and without
 * the right to speak, invitations and (simulated) participants. Each rule names its source; the
 * fidelity ledger in packages/sandbox/README.md lists them.
 */

export interface ToggleRecordParams {
  start: boolean;
  title?: string;
  video: boolean;
  /** video_portrait: portrait rather than landscape (video only). */
  portrait: boolean;
}

/**
 * A call the account may manage, for methods that change a running call. Ended: 403
 * GROUPCALL_FORBIDDEN ("The group call has already ended", ct:method/phone.toggleGroupCallRecord).
 * The right is manage_call, as for every call-managing method (TDLib: groupCall.can_be_managed).
 */
function managedCall(world: World, byUserId: number, call: WorldGroupCall): WorldGroupCall {
  if (call.state === "discarded") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
  const chat = world.getChat(call.chatId);
  if (!chat) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  assertMayManageCalls(chat, world.memberRole(chat.id, byUserId));
  return call;
}

/**
 * phone.toggleGroupCallRecord. Starting sets record_start_date (and record_video_active for a
 * video recording); stopping clears them and the file goes to Saved Messages (finishRecording:
 * the stopper's or the starter's, settings.recordingSavedTo). Starting twice or stopping when nothing records: 400 GROUPCALL_NOT_MODIFIED
 * (documented error; tdesktop's GroupCall::toggleRecording never sends such a request).
 * ASSUMPTION: a scheduled call cannot be recorded (TDLib: "Starts recording of an active group
 * call"); the server's answer is taken to be 403 GROUPCALL_FORBIDDEN.
 */
export function toggleGroupCallRecord(
  world: World,
  byUserId: number,
  call: WorldGroupCall,
  params: ToggleRecordParams,
  now: number,
): WorldGroupCall {
  managedCall(world, byUserId, call);
  if (call.state !== "active") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
  if (params.start === (call.recording !== undefined))
    throw new TelegramRpcError(400, "GROUPCALL_NOT_MODIFIED");
  if (params.start) {
    // TDLib td_api.tl startGroupCallRecording: "title: Group call recording title; 0-64 characters".
    const title = callTitleWithinLimit(params.title, world.settings.overlongCallTitle);
    call.recording = {
      byUserId,
      startDate: Math.floor(now / 1000),
      ...(title !== undefined && { title }),
      video: params.video,
      portrait: params.video && params.portrait,
    };
  } else {
    finishRecording(world, call, byUserId, now);
  }
  call.version += 1;
  world.emit("groupCall", call);
  return call;
}

/**
 * Ends a running recording (stopped, or its call ended, by `stoppedBy`) and sends its file to the
 * Saved Messages of the account that stopped it, or of the one that started it: undocumented
 * (ct:method/phone.toggleGroupCallRecord says only "sent to Saved Messages (the chat with
 * ourselves)"), settings.recordingSavedTo; the official apps tell the stopper it was saved. The
 * file arrives settings.recordingDeliverySeconds later, never in the answer.
 */
export function finishRecording(world: World, call: WorldGroupCall, stoppedBy: number, now: number): void {
  const recording = call.recording;
  if (!recording) return;
  delete call.recording;
  const nowSeconds = Math.floor(now / 1000);
  const durationSeconds = Math.max(1, nowSeconds - recording.startDate);
  const chatTitle = world.getChat(call.chatId)?.title ?? "Video chat";
  const name = recording.title ?? call.title ?? chatTitle;
  const savedBy = world.settings.recordingSavedTo === "starter" ? recording.byUserId : stoppedBy;
  const serial = world.saved.count(savedBy) + 1;
  const document: WorldDocument = {
    id: seededLong(world.seed, "recording", call.id, recording.startDate, serial),
    accessHash: seededLong(world.seed, "recording-access-hash", call.id, recording.startDate, serial),
    durationSeconds,
    // ASSUMPTION (sandbox-only details): the container, name and size of the file. Official
    // apps show recordings as audio (ogg) or video (mp4) files.
    ...(recording.video
      ? {
          kind: "video" as const,
          mimeType: "video/mp4",
          fileName: `${name}.mp4`,
          size: durationSeconds * 250_000,
          width: recording.portrait ? 720 : 1280,
          height: recording.portrait ? 1280 : 720,
        }
      : {
          kind: "audio" as const,
          mimeType: "audio/ogg",
          fileName: `${name}.ogg`,
          size: durationSeconds * 8_000,
          title: name,
        }),
  };
  world.saved.deliverLater(savedBy, document, nowSeconds, world.settings.recordingDeliverySeconds);
}

/**
 * phone.toggleGroupCallSettings. join_muted needs the account to manage the call (the groupCall
 * flag can_change_join_muted; TDLib toggleVideoChatMuteNewParticipants requires it); a value the
 * call already has: 400 GROUPCALL_NOT_MODIFIED (documented). reset_invite_hash "invalidates
 * existing invite links" (ct:method/phone.toggleGroupCallSettings): every hash handed out so far
 * stops working.
 */
export function toggleGroupCallSettings(
  world: World,
  byUserId: number,
  call: WorldGroupCall,
  params: { joinMuted?: boolean; resetInviteHash: boolean },
): WorldGroupCall {
  managedCall(world, byUserId, call);
  const changesMute = params.joinMuted !== undefined && params.joinMuted !== call.joinMuted;
  if (!changesMute && !params.resetInviteHash) throw new TelegramRpcError(400, "GROUPCALL_NOT_MODIFIED");
  if (params.joinMuted !== undefined) call.joinMuted = params.joinMuted;
  if (params.resetInviteHash) call.inviteGeneration += 1;
  call.version += 1;
  world.emit("groupCall", call);
  return call;
}

/** The hash of a call's listener link (no right to speak), or its speaker link (can_self_unmute). */
export function callInviteHash(world: World, call: WorldGroupCall, speaker: boolean): string {
  // Generation 0 keeps the listener hash the sandbox handed out before links could be reset.
  const generation = call.inviteGeneration === 0 ? [] : [call.inviteGeneration];
  return speaker
    ? seededToken(world.seed, 20, "speaker", call.id, call.inviteGeneration)
    : seededToken(world.seed, 20, "invite", call.id, ...generation);
}

/**
 * phone.exportGroupCallInvite (ct:method/phone.exportGroupCallInvite): public chats only (403
 * PUBLIC_CHANNEL_MISSING; "Cannot be used for video chats/livestreams associated with private
 * groups/channels"); any member may export a listener link, "only group call admins may set
 * can_self_unmute". The speaker link is t.me/<username>?voicechat=<hash>: Unigram shows a
 * telegram_voicechat link containing "?voicechat=" as "join as speaker"
 * (Unigram MessageBubble), TDLib's internalLinkTypeVideoChat.invite_hash lets one join
 * "without being muted by administrators". ASSUMPTION: a non-admin asking for it gets 400
 * CHAT_ADMIN_REQUIRED (the name every other call-managing refusal uses).
 */
export function exportGroupCallInvite(
  world: World,
  byUserId: number,
  call: WorldGroupCall,
  canSelfUnmute: boolean,
): string {
  if (call.state === "discarded") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
  const chat = world.getChat(call.chatId);
  if (!chat) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  if (!world.isMember(chat.id, byUserId)) throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
  if (!chat.username) throw new TelegramRpcError(403, "PUBLIC_CHANNEL_MISSING");
  if (canSelfUnmute && !canManageCalls(world.memberRole(chat.id, byUserId))) {
    throw new TelegramRpcError(400, "CHAT_ADMIN_REQUIRED");
  }
  const hash = callInviteHash(world, call, canSelfUnmute);
  world.recordSecret(hash);
  return canSelfUnmute
    ? `https://t.me/${chat.username}?voicechat=${hash}`
    : `https://t.me/${chat.username}?videochat=${hash}`;
}

/**
 * phone.inviteToGroupCall (ct:method/phone.inviteToGroupCall): any member of the chat may invite
 * (tdesktop offers "Invite members" to every participant; TDLib asks no right); the caller not a
 * member: 403 USER_NOT_PARTICIPANT; a user invited before: 400 USER_ALREADY_INVITED (both
 * documented). Too many users at once and invitees outside the chat are ASSUMPTIONs
 * (settings.callInviteBatchLimit, settings.callInviteOfNonMember). Answers the users invited.
 */
export function inviteToGroupCall(
  world: World,
  byUserId: number,
  call: WorldGroupCall,
  userIds: number[],
): number[] {
  if (call.state === "discarded") throw new TelegramRpcError(403, "GROUPCALL_FORBIDDEN");
  if (!world.isMember(call.chatId, byUserId)) throw new TelegramRpcError(403, "USER_NOT_PARTICIPANT");
  if (userIds.length > world.settings.callInviteBatchLimit) throw new TelegramRpcError(400, "USERS_TOO_MUCH");
  if (userIds.some((id) => call.invited.has(id))) throw new TelegramRpcError(400, "USER_ALREADY_INVITED");
  const outside = userIds.filter((id) => !world.isMember(call.chatId, id));
  if (outside.length > 0 && world.settings.callInviteOfNonMember === "refused") {
    throw new TelegramRpcError(403, "USER_NOT_PARTICIPANT");
  }
  const invited = [...new Set(userIds.filter((id) => !outside.includes(id)))];
  for (const id of invited) call.invited.add(id);
  return invited;
}

export type InviteHashKind = "listener" | "speaker";

/** What an invite hash of this call grants now; undefined once reset or never handed out. */
export function inviteHashKind(world: World, call: WorldGroupCall, hash: string): InviteHashKind | undefined {
  if (hash === callInviteHash(world, call, true)) return "speaker";
  if (hash === callInviteHash(world, call, false)) return "listener";
  return undefined;
}

/**
 * Simulated users joining a live call (the sandbox carries no media; tests and the control API
 * drive it). Joining with join_muted on leaves them muted unless they manage the call or came
 * by a speaker link. participants_count changes; what the chat's other members hear is
 * settings.participantCountUpdates.
 */
export function joinGroupCall(
  world: World,
  call: WorldGroupCall,
  userIds: number[],
  now: number,
  inviteHash?: string,
): WorldGroupCall {
  if (call.state !== "active") throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  const kind = inviteHash === undefined ? undefined : inviteHashKind(world, call, inviteHash);
  if (inviteHash !== undefined && kind === undefined) throw new TelegramRpcError(400, "GROUPCALL_INVALID");
  const joined = userIds.filter((id) => !call.participants.has(id));
  if (joined.length === 0) return call;
  for (const id of joined) {
    const mayUnmute = kind === "speaker" || canManageCalls(world.memberRole(call.chatId, id));
    call.participants.set(id, { joinedAt: Math.floor(now / 1000), muted: call.joinMuted && !mayUnmute });
  }
  return participantsChanged(world, call);
}

export function leaveGroupCall(world: World, call: WorldGroupCall, userIds: number[]): WorldGroupCall {
  const left = userIds.filter((id) => call.participants.delete(id));
  return left.length === 0 ? call : participantsChanged(world, call);
}

function participantsChanged(world: World, call: WorldGroupCall): WorldGroupCall {
  // groupCall.version is the participant list's version (updateGroupCallParticipants.version).
  call.version += 1;
  if (world.settings.participantCountUpdates === "pushed") world.emit("groupCall", call);
  return call;
}
