import type { Logger } from "pino";

/** `work` did not settle within its deadline. `what` names the wait, for the message. */
export class DeadlineError extends Error {
  override readonly name = "DeadlineError";

  constructor(
    readonly what: string,
    readonly ms: number,
  ) {
    super(`no answer from ${what} within ${ms} ms`);
  }
}

/**
 * `work`'s own outcome if it settles within `ms`, else a rejection with a DeadlineError. The one
 * promise deadline of both processes: the work itself is not cancelled (a promise cannot be), so
 * callers that must undo a late success do it themselves (queueCallRequest removes a late job).
 *
 * @example
 * await withDeadline(client.connect(), 20_000, "Telegram");
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(what, ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * For shutdown steps: waits for `step` at most `ms`; true when it completed in time, false when
 * it failed or hung. Never throws: either is logged and stopping goes on with the next step
 * (BullMQ's close() reports failures in the same way).
 */
export async function settleWithin(
  step: Promise<unknown>,
  ms: number,
  what: string,
  logger: Logger,
): Promise<boolean> {
  try {
    await withDeadline(step, ms, what);
    return true;
  } catch (error) {
    if (error instanceof DeadlineError) logger.warn({ waitedMs: ms }, `gave up waiting for ${what}`);
    else logger.warn({ err: error }, `error while waiting for ${what}`);
    return false;
  }
}
