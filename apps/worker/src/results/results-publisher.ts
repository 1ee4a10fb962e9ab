import { addResult, type ResultsMessage, type ResultsQueue } from "@callbot/shared";

/** Puts messages for the bot on the results queue. */
export interface ResultsPublisher {
  /**
   * Validates the message against the contract and adds it under `jobId`. BullMQ ignores an
   * add whose job id exists, so a retried job that publishes again does not report twice.
   */
  publish(message: ResultsMessage, jobId: string): Promise<void>;
}

/** Results job ids, derived from the request so that retries of one request collide on purpose. */
export const resultJobIds = {
  final: (requestId: string) => `result_${requestId}`,
  /** One per flood wait (keyed by when the wait ends), so a retried attempt does not repeat it. */
  delayed: (requestId: string, waitEndsAtSeconds: number) => `delayed_${requestId}_${waitEndsAtSeconds}`,
  /** One per worker run. */
  sessionDead: (runId: string) => `alert_session-dead_${runId}`,
  /** One per loss of the account lock in a worker run (`count`: the how-manieth). */
  lockLost: (runId: string, count: number) => `alert_lock-lost_${runId}_${count}`,
};

export function createResultsPublisher(queue: ResultsQueue): ResultsPublisher {
  // A message that breaks the contract is a bug here: addResult fails loudly rather than confuse the bot.
  return { publish: (message, jobId) => addResult(queue, message, jobId) };
}
