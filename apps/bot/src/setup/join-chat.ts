import { addCallsJob, CALL_JOB_NAMES, type JoinChatRequest, joinInviteKey } from "@callbot/shared";
import type { Queue } from "bullmq";
import type { Api } from "grammy";
import type { SetupReport } from "./check-chat-setup.ts";
import type { SetupDeps } from "./setup-deps.ts";

/** How long the one-use invite link lives: enough for a queue that waits out a short flood wait. */
const INVITE_LINK_SECONDS = 15 * 60;

/**
 * "Add the assistant": a public chat is joined by its username; a private one through a one-use
 * invite link that expires in 15 minutes, which the bot makes (can_invite_users), leaves in
 * Redis for the worker (never in the job: BullMQ keeps job data for days) and revokes once the
 * worker has answered. Returns the line to show on top of the checklist.
 */
export async function askAssistantToJoin(
  api: Api,
  chat: SetupReport["chat"],
  assistant: { name: string },
  requesterId: number,
  deps: SetupDeps & {
    messageRef: { chat: { id: number }; message_id: number };
    /** With several assistant accounts, the queue of the one to join (only its worker takes it). */
    accountQueue?: Queue | undefined;
  },
): Promise<string> {
  // One join per chat at a time; each press gets its own request id, because results are
  // published under an id derived from it and a reused one would be ignored as a duplicate.
  const now = deps.clock.now();
  const requestId = `join_${chat.id}_${now}`;
  const first = await deps.redis.set(
    deps.keys.joinPending(chat.id),
    requestId,
    "EX",
    INVITE_LINK_SECONDS,
    "NX",
  );
  if (first === null) return `⏳ ${assistant.name} is already on its way into «${chat.title}».`;
  const via = chat.username ? "public" : "invite";
  if (via === "invite") {
    const link = await api.createChatInviteLink(chat.id, {
      name: "callbot assistant",
      member_limit: 1,
      expire_date: Math.floor(now / 1000) + INVITE_LINK_SECONDS,
    });
    await deps.redis.set(joinInviteKey(deps.prefix, requestId), link.invite_link, "EX", INVITE_LINK_SECONDS);
  }
  const request: JoinChatRequest = {
    v: 1,
    kind: "join-chat",
    requestId,
    requester: { userId: requesterId, chatId: deps.messageRef.chat.id },
    ack: { chatId: deps.messageRef.chat.id, messageId: deps.messageRef.message_id },
    target: {
      chatId: chat.id,
      title: chat.title,
      ...(chat.username !== undefined && { username: chat.username }),
    },
    chatType: chat.type,
    via,
    requestedAt: now,
    ...(deps.accountQueue !== undefined && { assistantName: assistant.name }),
  };
  await addCallsJob(deps.accountQueue ?? deps.callsQueue, CALL_JOB_NAMES.joinChat, request);
  return `⏳ ${assistant.name} is joining «${chat.title}»; this list updates when it has.`;
}

/** After the worker's answer: the link is of no more use to anyone, so it stops working. */
export async function finishJoin(
  api: Api,
  request: JoinChatRequest,
  deps: Pick<SetupDeps, "redis" | "keys" | "prefix" | "logger">,
): Promise<void> {
  await deps.redis.del(deps.keys.joinPending(request.target.chatId));
  if (request.via !== "invite") return;
  const key = joinInviteKey(deps.prefix, request.requestId);
  const link = await deps.redis.get(key);
  if (link === null) return;
  await api.revokeChatInviteLink(request.target.chatId, link).catch((error: unknown) => {
    // Expired links cannot be revoked, and they no longer work anyway.
    deps.logger.info({ err: error, chatId: request.target.chatId }, "could not revoke the join link");
  });
  await deps.redis.del(key);
}
