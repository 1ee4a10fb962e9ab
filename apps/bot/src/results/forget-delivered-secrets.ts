import { hasDeliveredSecrets, withoutDeliveredSecrets } from "@callbot/shared";
import {
  DelayedError,
  type Job,
  RateLimitError,
  UnrecoverableError,
  WaitingChildrenError,
  WaitingError,
} from "bullmq";
import type { Logger } from "pino";

/**
 * Runs the delivery of one results job so that its secrets (a stream key, an invite link) are
 * neither kept in Redis past delivery nor carried by an error (checklist 32):
 * - once delivered, or once delivering failed for good, the job's data is replaced by a copy
 *   without them (withoutDeliveredSecrets). The job itself stays for its retention time, because
 *   its id is what makes a result the worker publishes again (a job re-run after a crash) a
 *   no-op instead of a second stream-key message. Keeping the key out of the job altogether
 *   would need a second store, with its own lifetime, that the bot reads after a restart: the
 *   same secret in Redis for the same time, with one more way to lose it;
 * - an error that escapes is replaced by one that only describes it: grammY's errors carry the
 *   whole request (the message text, with the key in it) in `payload`, and BullMQ would store
 *   and the `failed` listener log whatever is thrown.
 */
export async function forgetSecretsAfterDelivery(
  job: Job,
  deliver: () => Promise<void>,
  logger: Logger,
): Promise<void> {
  try {
    await deliver();
  } catch (error) {
    // BullMQ's own signals (a delivery put aside for later, ...) carry nothing and must stay
    // what they are: the job is not finished, so its secrets are still needed.
    if (isBullmqSignal(error)) throw error;
    const described = describedOnly(error);
    const lastAttempt =
      error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastAttempt) await forget(job, logger);
    throw described;
  }
  await forget(job, logger);
}

function isBullmqSignal(error: unknown): boolean {
  return (
    error instanceof DelayedError ||
    error instanceof RateLimitError ||
    error instanceof WaitingChildrenError ||
    error instanceof WaitingError
  );
}

async function forget(job: Job, logger: Logger): Promise<void> {
  if (!hasDeliveredSecrets(job.data)) return;
  await job.updateData(withoutDeliveredSecrets(job.data)).catch((error: unknown) => {
    logger.warn({ err: error, jobId: job.id }, "could not remove the delivered secrets from a results job");
  });
}

/**
 * The error's class and message only. grammY's messages name the method and Telegram's answer
 * ("Call to 'sendMessage' failed! (429: Too Many Requests: retry after 120)"), never the request.
 */
function describedOnly(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof UnrecoverableError) return new UnrecoverableError(message);
  const described = new Error(message);
  if (error instanceof Error) described.name = error.name;
  return described;
}
