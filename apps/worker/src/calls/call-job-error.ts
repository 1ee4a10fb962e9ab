import type { ErrorCategory } from "@callbot/shared";

/**
 * An error the worker raises itself (not Telegram), named like Telegram's so that the error
 * catalogue and the bot treat both alike: SCHEDULE_TOO_SOON_AT_RUN, NO_CALL_IN_UPDATES, ...
 * It carries its category, because the worker knows best what its own checks mean.
 */
export class CallJobError extends Error {
  override readonly name = "CallJobError";

  constructor(
    readonly errorMessage: string,
    detail: string,
    readonly category: ErrorCategory,
  ) {
    super(`${errorMessage}: ${detail}`);
  }
}
