import type { JoinChatRequest, TargetChat } from "@callbot/shared";
import { type Job, Worker } from "bullmq";
import type { Logger } from "pino";
import { Api } from "telegram";
import { CallJobError } from "../calls/call-job-error.ts";
import { type CallErrorDeps, handleCallError } from "../calls/handle-call-error.ts";
import { readTelegramFailure } from "../calls/read-telegram-failure.ts";
import type { ResolvedTarget, ResolveOptions } from "../peers/resolve-target-peer.ts";
import { joinChatReporter } from "../results/outcome-reporter.ts";
import { type ResultsPublisher, resultJobIds } from "../results/results-publisher.ts";
import type { InvokeTelegram } from "../telegram/invoke-with-timeout.ts";

export interface JoinChatJobDeps extends CallErrorDeps {
  invoke: InvokeTelegram;
  resolveTarget: (target: TargetChat, options?: ResolveOptions) => Promise<ResolvedTarget>;
  publisher: ResultsPublisher;
  /** The invite link the bot left for this request; null once it expired. Never logged. */
  readInviteLink: (requestId: string) => Promise<string | null>;
  logger: Logger;
  now: () => number;
}

/**
 * Runs a join-chat job (/setup's "Add the assistant"): the account joins a
 * public chat with channels.joinChannel, a private one with messages.importChatInvite and the
 * one-use link the bot made. Already being a member is success. Errors take the call jobs' path
 * (flood waits delay, session deaths stop the worker, refusals are reported in plain words).
 */
export function joinChatJob(
  deps: JoinChatJobDeps,
): (job: Job, request: JoinChatRequest) => Promise<{ status: string }> {
  return async (job, request) => {
    if (deps.sessionDeath.errorName !== undefined) throw Worker.RateLimitError();
    const log = deps.logger.child({ jobId: job.id, chatId: request.target.chatId, via: request.via });
    const report = joinChatReporter(request, deps);
    try {
      const status =
        request.via === "public" ? await joinPublic(request.target) : await joinByInvite(request.requestId);
      await deps.publisher.publish(
        { v: 1, kind: "join-chat", request, outcome: { status }, finishedAt: deps.now() },
        resultJobIds.final(request.requestId),
      );
      log.info({ status }, "the assistant joined the chat");
      return { status };
    } catch (error) {
      return handleCallError(error, job, report, deps);
    }
  };

  async function joinPublic(target: TargetChat): Promise<"joined"> {
    const resolved = await deps.resolveTarget(target, { ignoreRememberedNotIn: true });
    if (!resolved.channel)
      throw new CallJobError("CHANNEL_INVALID", "a basic group has no public username", "user");
    await deps.invoke(new Api.channels.JoinChannel({ channel: resolved.channel }));
    // Requests naming the chat must not be refused from the memory of when it was not in.
    await resolved.forgetNotIn();
    return "joined";
  }

  async function joinByInvite(requestId: string): Promise<"joined" | "already-member"> {
    const link = await deps.readInviteLink(requestId);
    const hash = link === null ? undefined : /(?:\+|joinchat\/)([A-Za-z0-9_-]+)$/.exec(link)?.[1];
    if (hash === undefined)
      throw new CallJobError("INVITE_LINK_MISSING", "no invite link for this join", "user");
    try {
      await deps.invoke(new Api.messages.ImportChatInvite({ hash }));
      return "joined";
    } catch (error) {
      if (readTelegramFailure(error).errorName === "USER_ALREADY_PARTICIPANT") return "already-member";
      throw error;
    }
  }
}
