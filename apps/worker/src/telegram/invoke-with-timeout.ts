import type { Api } from "telegram";
import { type FloodGate, FloodGateClosedError } from "./flood-gate.ts";

/** Sends one MTProto request for the userbot and resolves with Telegram's answer. */
export type InvokeTelegram = <R extends Api.AnyRequest>(request: R) => Promise<R["__response"]>;

/** What a gramjs client must offer (a TelegramClient, or a test double in pure unit tests). */
export interface InvokesRequests {
  invoke<R extends Api.AnyRequest>(request: R): Promise<R["__response"]>;
}

/** Our default: long enough for a slow Telegram, well below the job lock (30 s). */
export const DEFAULT_INVOKE_TIMEOUT_MS = 15_000;

/**
 * A request that got no answer in time. gramjs has no invoke timeout of its own: while the
 * connection is down an invoke waits forever (gram-js/gramjs#566), which would hold the job
 * until its lock lapsed. The shape (errorMessage) matches gramjs's RPCError so that one error
 * mapper handles both.
 */
export class TelegramTimeoutError extends Error {
  override readonly name = "TelegramTimeoutError";
  readonly errorMessage = "TIMEOUT";

  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`Telegram did not answer ${method} within ${timeoutMs} ms`);
  }
}

export interface InvokeWithTimeoutOptions {
  timeoutMs?: number;
  /** When given, no request is sent while the account is told to wait. */
  floodGate?: FloodGate;
}

/**
 * Wraps a client's invoke with a timeout (and the account's flood gate). A timed-out request
 * may still reach Telegram later, which is safe for createGroupCall because every retry sends
 * the same random_id.
 */
export function invokeWithTimeout(
  client: InvokesRequests,
  options: InvokeWithTimeoutOptions = {},
): InvokeTelegram {
  const timeoutMs = options.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
  return <R extends Api.AnyRequest>(request: R): Promise<R["__response"]> => {
    const waitSeconds = options.floodGate?.secondsLeft() ?? 0;
    if (waitSeconds > 0) return Promise.reject(new FloodGateClosedError(waitSeconds));
    return new Promise<R["__response"]>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TelegramTimeoutError(request.className, timeoutMs)),
        timeoutMs,
      );
      client.invoke(request).then(
        (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  };
}
