import { autoRetry } from "@grammyjs/auto-retry";
import { type Api, HttpError, type Transformer } from "grammy";
import type { Logger } from "pino";

export interface BotApiRetryOptions {
  /** A wait Telegram asks for (429 retry_after) up to this long is slept inside the call; a longer one is thrown. */
  maxWaitSeconds: number;
  /** Tries of a call that fails on the network (the Bot API unreachable), then it is thrown. */
  networkAttempts: number;
  /** Pause between those tries. */
  networkRetryDelayMs: number;
}

export const DEFAULT_BOT_API_RETRY: BotApiRetryOptions = {
  maxWaitSeconds: 60,
  networkAttempts: 3,
  networkRetryDelayMs: 1_000,
};

/**
 * Every Bot API call retries what is worth retrying, for a bounded time:
 * - 429 and 5xx through @grammyjs/auto-retry (Telegram's retry_after, at most 3 times, waits up
 *   to maxWaitSeconds; a longer wait is thrown to the caller: a handler gives up, a result is
 *   put aside for that long by the results consumer);
 * - network failures a few times, a second apart. auto-retry 2.x would retry those for ever,
 *   backing off up to an hour (its `call()` loop never counts them), so a call made during a
 *   Bot API outage could resume an hour after the outage ended. It rethrows them here instead.
 */
export function installBotApiRetries(api: Api, options: BotApiRetryOptions, logger: Logger): void {
  api.config.use(
    autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: options.maxWaitSeconds, rethrowHttpErrors: true }),
  );
  // Installed last, so it wraps auto-retry: each network try gets auto-retry's 429/5xx handling.
  api.config.use(retryNetworkErrors(options, logger));
}

function retryNetworkErrors(options: BotApiRetryOptions, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        if (!(error instanceof HttpError) || attempt >= options.networkAttempts || signal?.aborted)
          throw error;
        logger.warn(
          { method, attempt, err: error.message },
          "the Bot API could not be reached; trying again",
        );
        await pause(options.networkRetryDelayMs, signal);
      }
    }
  };
}

/** Ends early when the call is aborted (the bot stopping). */
function pause(ms: number, signal: Parameters<Transformer>[3]): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}
