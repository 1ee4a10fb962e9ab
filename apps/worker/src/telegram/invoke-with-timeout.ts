import type { Api } from "telegram";
import { ACCOUNT_WIDE, type FloodGate, FloodGateClosedError, floodScopeOf } from "./flood-gate.ts";

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
    const method = request.className;
    const gate = options.floodGate;
    const waitSeconds = gate?.secondsLeft(method) ?? 0;
    if (waitSeconds > 0) {
      const scope = (gate?.secondsLeft() ?? 0) > 0 ? ACCOUNT_WIDE : floodScopeOf(method);
      return Promise.reject(new FloodGateClosedError(waitSeconds, scope));
    }
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
          const floodSeconds = gate ? floodSecondsOf(error) : undefined;
          if (gate && floodSeconds !== undefined) {
            // Held where Telegram asked: for this method, or the account for a create.
            const scope = floodScopeOf(method);
            gate.close(floodSeconds, scope);
            reject(new FloodGateClosedError(floodSeconds, scope, true));
            return;
          }
          reject(error);
        },
      );
    });
  };
}

/** The seconds of a FLOOD_WAIT (gramjs's FloodWaitError: code 420 with `seconds`), else undefined. */
function floodSecondsOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, seconds, name } = error as { code?: unknown; seconds?: unknown; name?: unknown };
  if (code !== 420 || typeof seconds !== "number" || name === "SlowModeWaitError") return undefined;
  return Math.max(1, Math.ceil(seconds));
}
