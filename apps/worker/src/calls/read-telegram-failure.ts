import { categoriseTelegramError, type ErrorCategory, parseTelegramErrorName } from "@callbot/shared";

/**
 * What went wrong with a Telegram request, in the terms of the shared error catalogue.
 * `errorName` is Telegram's error name without its number (FLOOD_WAIT, CHAT_ADMIN_REQUIRED)
 * or one of the catalogue's own: TIMEOUT, NETWORK, INTERNAL, UNKNOWN.
 */
export interface TelegramFailureFacts {
  errorName: string;
  /** Telegram's error code (400, 401, 420, ...) when Telegram answered. */
  code?: number;
  /** For flood waits: how long Telegram asked the account to wait. */
  seconds?: number;
  /**
   * For flood waits seen through the worker's flood gate: the method the wait is held for
   * (gramjs className), or "*" for the whole account.
   */
  floodScope?: string;
  /** Set by the worker's own checks (CallJobError), which know their category. */
  category?: ErrorCategory;
}

/** gramjs's message when its own retry loop gave up (after 5xx answers or repeated flood sleeps). */
const RETRIES_EXHAUSTED = /^Request was unsuccessful \d+ time\(s\)$/;
/** gramjs and Node messages that mean "the connection is not there". */
const NETWORK_MESSAGES = [/disconnected/i, /not connected/i, /connection (closed|reset|refused)/i, /socket/i];
const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/**
 * Reads the facts out of whatever gramjs (or our own code) threw:
 * - FloodWaitError / SlowModeWaitError: code 420, errorMessage "FLOOD", the wait in `.seconds`;
 * - RPCError: `.errorMessage` and `.code` (gramjs raises plain RPCError for most names); 5xx
 *   answers become INTERNAL, and -503 "Timeout" (Telegram's back end timed out) TIMEOUT;
 * - the plain Error gramjs throws after `requestRetries` (the original error is lost; it was
 *   a 5xx or a repeated short flood wait): INTERNAL, so it is retried;
 * - network errors: NETWORK; anything else (a bug): UNKNOWN, which is not retried.
 */
export function readTelegramFailure(error: unknown): TelegramFailureFacts {
  if (typeof error !== "object" || error === null) return { errorName: "UNKNOWN" };
  const candidate = error as {
    errorMessage?: unknown;
    code?: unknown;
    seconds?: unknown;
    message?: unknown;
    name?: unknown;
    category?: unknown;
  };
  const code = typeof candidate.code === "number" ? candidate.code : undefined;
  const message = typeof candidate.message === "string" ? candidate.message : "";

  if (typeof candidate.seconds === "number" && code === 420) {
    const errorName = candidate.name === "SlowModeWaitError" ? "SLOWMODE_WAIT" : "FLOOD_WAIT";
    const scope = (error as { scope?: unknown }).scope;
    return {
      errorName,
      code,
      seconds: candidate.seconds,
      ...(typeof scope === "string" ? { floodScope: scope } : {}),
    };
  }
  if (typeof candidate.errorMessage === "string" && candidate.errorMessage !== "") {
    if (typeof candidate.category === "string") {
      return { errorName: candidate.errorMessage, category: candidate.category as ErrorCategory };
    }
    // gramjs raises RPCError -503 "Timeout" when Telegram's own back end timed out
    // (gram-js/gramjs#716): the request may or may not have been carried out. Retried, like ours.
    if (code === -503) return { errorName: "TIMEOUT", code };
    if (code !== undefined && code >= 500) return { errorName: "INTERNAL", code };
    const parsed = parseTelegramErrorName(candidate.errorMessage);
    return {
      errorName: parsed.name,
      ...(code !== undefined ? { code } : {}),
      ...(parsed.seconds !== undefined ? { seconds: parsed.seconds } : {}),
    };
  }
  if (RETRIES_EXHAUSTED.test(message)) return { errorName: "INTERNAL" };
  if (
    (typeof candidate.code === "string" && NETWORK_CODES.has(candidate.code)) ||
    NETWORK_MESSAGES.some((pattern) => pattern.test(message))
  ) {
    return { errorName: "NETWORK" };
  }
  return { errorName: "UNKNOWN" };
}

/**
 * What a failure means, from one place: a wait Telegram asked for is a flood; the worker's own
 * errors (CallJobError, AccountLockLostError) carry their category; any other name is looked up
 * in the shared error catalogue.
 */
export function failureCategory(facts: TelegramFailureFacts): ErrorCategory {
  if (facts.seconds !== undefined) return "flood";
  return facts.category ?? categoriseTelegramError(facts.errorName);
}
