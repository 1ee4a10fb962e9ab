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
  /** First pause before a call Telegram answered with a 5xx is tried again; doubles after each try. */
  serverErrorRetryDelayMs: number;
}

/** Tries of a call after a 5xx answer before the answer is given to the caller (auto-retry's count). */
const SERVER_ERROR_RETRIES = 3;

export const DEFAULT_BOT_API_RETRY: BotApiRetryOptions = {
  maxWaitSeconds: 60,
  networkAttempts: 3,
  networkRetryDelayMs: 1_000,
  // auto-retry's own first backoff (3 s, then 6 and 12).
  serverErrorRetryDelayMs: 3_000,
};

/**
 * Every Bot API call retries what is worth retrying, for a bounded time:
 * - 429 through @grammyjs/auto-retry (Telegram's retry_after, at most 3 times, waits up
 *   to maxWaitSeconds; a longer wait is thrown to the caller: a handler gives up, a result is
 *   put aside for that long by the results consumer);
 * - 5xx at most 3 times, backing off serverErrorRetryDelayMs, then twice and four times that:
 *   auto-retry's schedule (3, 6, 12 s), which it hard-codes; here it is a setting, so that a test
 *   of a failing call does not sit through 21 s;
 * - network failures a few times, a second apart. auto-retry 2.x would retry those for ever,
 *   backing off up to an hour (its `call()` loop never counts them), so a call made during a
 *   Bot API outage could resume an hour after the outage ended. It rethrows them here instead.
 */
export function installBotApiRetries(api: Api, options: BotApiRetryOptions, logger: Logger): void {
  // Innermost: auto-retry sees a 5xx only once these tries are used up, and passes it on.
  api.config.use(retryServerErrors(options, logger));
  api.config.use(
    autoRetry({
      maxRetryAttempts: 3,
      maxDelaySeconds: options.maxWaitSeconds,
      rethrowHttpErrors: true,
      rethrowInternalServerErrors: true,
    }),
  );
  // Installed last, so it wraps auto-retry: each network try gets auto-retry's 429/5xx handling.
  api.config.use(retryNetworkErrors(options, logger));
}

function retryServerErrors(options: BotApiRetryOptions, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    for (let retry = 0; ; retry += 1) {
      const result = await prev(method, payload, signal);
      if (result.ok || result.error_code < 500 || retry >= SERVER_ERROR_RETRIES) return result;
      const delayMs = options.serverErrorRetryDelayMs * 2 ** retry;
      logger.warn(
        { method, status: result.error_code, delayMs },
        "the Bot API answered a server error; trying again",
      );
      await pause(delayMs, signal);
      if (signal?.aborted) return result;
    }
  };
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
