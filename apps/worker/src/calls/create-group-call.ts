import { type CreateCallOutcome, type CreateCallRequest, randomIdFromKey } from "@callbot/shared";
import type { Logger } from "pino";
import { Api } from "telegram";
import type { ResolvedTarget } from "../peers/resolve-target-peer.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";
import { readCreatedCall } from "./read-created-call.ts";
import { readTelegramFailure } from "./read-telegram-failure.ts";

type CreatedOutcome = Extract<CreateCallOutcome, { status: "created" }>;

/**
 * The Telegram part of a request, once its target is resolved: phone.createGroupCall, then the
 * RTMP credentials for a livestream and the invite link for a public chat. In the steady state
 * that is one request, plus one for each extra that applies.
 */
export async function createGroupCall(
  invoke: InvokeTelegram,
  request: CreateCallRequest,
  target: ResolvedTarget,
  logger: Logger,
): Promise<CreatedOutcome> {
  const updates = await invoke(
    new Api.phone.CreateGroupCall({
      peer: target.peer,
      // The same value on every retry of this request, so Telegram never creates a second call.
      randomId: randomIdFromKey(request.requestId),
      ...(request.title !== undefined ? { title: request.title } : {}),
      ...(request.scheduleDate !== undefined ? { scheduleDate: request.scheduleDate } : {}),
      ...(request.rtmp ? { rtmpStream: true } : {}),
    }),
  );
  const call = readCreatedCall(updates);
  const inputCall = new Api.InputGroupCall({ id: call.id, accessHash: call.accessHash });

  // Essential for a livestream: without them the owner cannot stream. Errors go the usual way
  // (a retry re-sends createGroupCall with the same random_id and gets the same call).
  const rtmpCredentials = request.rtmp
    ? await invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer: target.peer, revoke: false }))
    : undefined;

  const inviteLink = request.target.username ? await exportInviteLink(invoke, inputCall, logger) : undefined;

  // gramjs's reader gives null, not undefined, for optional fields that were absent on the wire.
  return {
    status: "created",
    call: {
      id: call.id.toString(),
      accessHash: call.accessHash.toString(),
      ...(call.title != null ? { title: call.title } : {}),
      ...(call.scheduleDate != null ? { scheduleDate: call.scheduleDate } : {}),
      rtmp: request.rtmp,
      ...(inviteLink !== undefined ? { inviteLink } : {}),
    },
    ...(rtmpCredentials ? { rtmpCredentials: { url: rtmpCredentials.url, key: rtmpCredentials.key } } : {}),
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
