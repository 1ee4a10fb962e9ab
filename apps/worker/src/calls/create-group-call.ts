import {
  type CreateCallOutcome,
  type CreateCallRequest,
  type ExistingCall,
  randomIdFromKey,
} from "@callbot/shared";
import type { Logger } from "pino";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { isCallOfRequest } from "./call-of-request.ts";
import { readChatCurrentCall } from "./read-chat-current-call.ts";
import { readCreatedCall } from "./read-created-call.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

type CreatedOutcome = Extract<CreateCallOutcome, { status: "created" }>;
type ExistsOutcome = Extract<CreateCallOutcome, { status: "exists" }>;

/** What earlier attempts of this job did, kept with the job in Redis (BullMQ job progress). */
export interface CreateAttempts {
  /** True when an earlier attempt sent createGroupCall (its answer may have been lost). */
  createWasSent: boolean;
  /** Recorded before createGroupCall is sent, so a crash right after it is not forgotten. */
  markCreateSent(): Promise<void>;
}

export interface CreateGroupCallDeps {
  invoke: InvokeTelegram;
  attempts: CreateAttempts;
  logger: Logger;
}

/**
 * The Telegram part of a request, once its target is resolved. Telegram allows one call per chat
 * and a create ends the chat's call for everyone (core.telegram.org/api/group-calls), so the
 * chat's current call is read first:
 * - none: phone.createGroupCall (a plain /newcall costs these 2 requests);
 * - the call an earlier attempt of this job made (its answer was lost): that call is reported;
 * - the call someone allowed to end calls confirmed replacing (request.replaceCallId): it is
 *   ended by id, then the new one is created;
 * - any other call: nothing is created; the outcome names it ("exists").
 * Then the RTMP credentials for a livestream and the invite link for a public chat.
 */
export async function createGroupCall(
  deps: CreateGroupCallDeps,
  request: CreateCallRequest,
  target: ResolvedTarget,
): Promise<CreatedOutcome | ExistsOutcome> {
  const current = await readChatCurrentCall(deps.invoke, target);
  let replaced: ExistingCall | undefined;
  if (current) {
    if (deps.attempts.createWasSent && isCallOfRequest(current, request)) {
      deps.logger.info({ callId: current.id }, "an earlier attempt created this call; reporting it");
      return finishCreated(deps, request, target, current);
    }
    if (request.replaceCallId !== current.id) return { status: "exists", existing: current };
    await endConfirmedCall(deps.invoke, current);
    replaced = current;
  }

  await deps.attempts.markCreateSent();
  let created: ExistingCall;
  try {
    created = readCreatedCall(
      await deps.invoke(
        new Api.phone.CreateGroupCall({
          peer: target.peer,
          // The same value on every attempt of this request: Telegram's duplicate guard.
          randomId: randomIdFromKey(request.requestId),
          ...(request.title !== undefined ? { title: request.title } : {}),
          ...(request.scheduleDate !== undefined ? { scheduleDate: request.scheduleDate } : {}),
          ...(request.rtmp ? { rtmpStream: true } : {}),
        }),
      ),
    );
  } catch (error) {
    const made = await callMadeDespite(error, deps, request, target);
    if (!made) throw error;
    deps.logger.warn({ callId: made.id }, "createGroupCall failed, yet the call exists; reporting it");
    return finishCreated(deps, request, target, made, replaced);
  }
  // readCreatedCall only returns a live or scheduled call.
  return finishCreated(deps, request, target, created, replaced);
}

/**
 * A create that timed out, lost its answer or got a 5xx may have been carried out all the same
 * (-503 Timeout, gram-js/gramjs#716). Before anyone is told "failed", the chat's call is read: the
 * call our request made is there when the chat now has one that fits the request.
 */
async function callMadeDespite(
  error: unknown,
  deps: CreateGroupCallDeps,
  request: CreateCallRequest,
  target: ResolvedTarget,
): Promise<ExistingCall | undefined> {
  const facts = readTelegramFailure(error);
  const unknownFate =
    ["TIMEOUT", "INTERNAL", "NETWORK"].includes(facts.errorName) || (facts.code ?? 0) >= 500;
  if (!unknownFate) return undefined;
  try {
    const now = await readChatCurrentCall(deps.invoke, target);
    return now && isCallOfRequest(now, request) ? now : undefined;
  } catch (readError) {
    deps.logger.warn(
      { errorName: readTelegramFailure(readError).errorName },
      "could not read the chat's call after a failed create; the job's retry will",
    );
    return undefined;
  }
}

/** Ends exactly the call that was confirmed; one that ended meanwhile is fine. */
async function endConfirmedCall(invoke: InvokeTelegram, call: ExistingCall): Promise<void> {
  try {
    await invoke(
      new Api.phone.DiscardGroupCall({
        call: new Api.InputGroupCall({
          id: returnBigInt(call.id),
          accessHash: returnBigInt(call.accessHash),
        }),
      }),
    );
  } catch (error) {
    if (readTelegramFailure(error).errorName !== "GROUPCALL_ALREADY_DISCARDED") throw error;
  }
}

/** The extras a created call needs: the RTMP credentials for a livestream, the invite link. */
async function finishCreated(
  deps: CreateGroupCallDeps,
  request: CreateCallRequest,
  target: ResolvedTarget,
  call: ExistingCall,
  replaced?: ExistingCall,
): Promise<CreatedOutcome> {
  const inputCall = new Api.InputGroupCall({
    id: returnBigInt(call.id),
    accessHash: returnBigInt(call.accessHash),
  });
  // Essential for a livestream: without them the owner cannot stream.
  const rtmpCredentials = request.rtmp
    ? await deps.invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer: target.peer, revoke: false }))
    : undefined;
  const inviteLink = request.target.username
    ? await exportInviteLink(deps.invoke, inputCall, deps.logger)
    : undefined;
  return {
    status: "created",
    call: {
      id: call.id,
      accessHash: call.accessHash,
      ...(call.title !== undefined ? { title: call.title } : {}),
      ...(call.scheduleDate !== undefined ? { scheduleDate: call.scheduleDate } : {}),
      rtmp: request.rtmp,
      ...(inviteLink !== undefined ? { inviteLink } : {}),
    },
    ...(rtmpCredentials ? { rtmpCredentials: { url: rtmpCredentials.url, key: rtmpCredentials.key } } : {}),
    ...(replaced ? { replacedCallId: replaced.id } : {}),
  };
}

/**
 * A nice extra for public chats: the call exists without it, so an ordinary refusal (say the
 * chat went private meanwhile: PUBLIC_CHANNEL_MISSING) is logged and the call reported anyway.
 * A flood wait or a dead session is rethrown: those concern the whole account.
 */
async function exportInviteLink(
  invoke: InvokeTelegram,
  call: Api.InputGroupCall,
  logger: Logger,
): Promise<string | undefined> {
  try {
    const exported = await invoke(new Api.phone.ExportGroupCallInvite({ call }));
    return exported.link;
  } catch (error) {
    const facts = readTelegramFailure(error);
    if (facts.seconds !== undefined || facts.code === 401 || facts.errorName === "AUTH_KEY_DUPLICATED")
      throw error;
    logger.warn({ errorName: facts.errorName }, "created the call but could not export its invite link");
    return undefined;
  }
}
