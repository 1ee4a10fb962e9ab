import { type EmptyWatchRequest, emptyWatchStoppedJobId } from "@callbot/shared";
import type { ResultsPublisher } from "../results/results-publisher.ts";

/**
 * Tells the bot (and through it the chat) that a call's end-when-empty watch stopped because
 * this account's session died and no other account may manage calls in the chat: people there
 * expect the call to end by itself, and it will not. Once per call (the result's job id).
 */
export async function publishWatchStopped(
  request: EmptyWatchRequest,
  deps: {
    publisher: ResultsPublisher;
    account: { id: number; username?: string | undefined };
    now: () => number;
  },
): Promise<void> {
  await deps.publisher.publish(
    {
      v: 1,
      kind: "empty-watch-stopped",
      target: request.target,
      callId: request.call.id,
      reason: "session-dead",
      account: {
        id: deps.account.id,
        ...(deps.account.username !== undefined && { username: deps.account.username }),
      },
      at: deps.now(),
    },
    emptyWatchStoppedJobId(request.call.id),
  );
}
