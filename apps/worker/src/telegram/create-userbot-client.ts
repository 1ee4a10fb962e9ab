import type { Logger } from "pino";
import { TelegramClient } from "telegram";
import { StringSession } from "telegram/sessions/index.js";
import { connectionRouted, DialRoute, type DialTarget } from "./dial-route.ts";
import { gramjsLoggerFor } from "./gramjs-logger.ts";
import { trustServerKey } from "./trust-server-key.ts";

export interface UserbotClientOptions {
  /** gramjs StringSession text (TG_SESSION, or the contents of TG_SESSION_FILE). Never logged. */
  session: string;
  apiId: number;
  apiHash: string;
  /** TG_DC: dial this instead of the session's address (sandbox, test servers); or a route that also knows other DCs. */
  dial?: DialTarget | DialRoute;
  /** TG_DC_PUBLIC_KEY: the RSA key of the server at `dial`, trusted only together with it. */
  serverPublicKey?: string;
  logger: Logger;
  /**
   * Flood waits up to this many seconds are slept through inside gramjs. Longer ones are
   * thrown to us so that BullMQ pauses the whole queue instead (no attempt is used up and no
   * other request leaves this account meanwhile). Kept tiny because while gramjs sleeps, the
   * job holds its lock and a concurrency slot, and our own invoke timeout keeps running.
   */
  floodSleepThresholdSeconds?: number;
}

/** Default for UserbotClientOptions.floodSleepThresholdSeconds: waits of 1 s are cheaper slept through. */
export const DEFAULT_FLOOD_SLEEP_THRESHOLD_SECONDS = 1;

/**
 * Builds (does not connect) the gramjs client for the userbot account.
 *
 * - connectionRetries is small: at start-up an unreachable Telegram must surface as an error
 *   within seconds, not retry forever (gramjs's default is infinite).
 * - requestRetries 2: gramjs retries 5xx / RPC_CALL_FAIL itself once; anything beyond that is
 *   BullMQ's job, with backoff and bounded attempts we control.
 */
export function createUserbotClient(options: UserbotClientOptions): TelegramClient {
  const session = new StringSession(options.session);
  const route =
    options.dial === undefined || options.dial instanceof DialRoute
      ? options.dial
      : new DialRoute(options.dial);
  // Never for Telegram's own servers: gramjs knows their keys, and another key would let a
  // different server pass as Telegram.
  if (route && options.serverPublicKey) trustServerKey(options.serverPublicKey);
  return new TelegramClient(session, options.apiId, options.apiHash, {
    connectionRetries: 3,
    retryDelay: 500,
    requestRetries: 2,
    floodSleepThreshold: options.floodSleepThresholdSeconds ?? DEFAULT_FLOOD_SLEEP_THRESHOLD_SECONDS,
    autoReconnect: true,
    baseLogger: gramjsLoggerFor(options.logger),
    deviceModel: "callbot worker",
    appVersion: "callbot 0.1",
    ...(route ? { connection: connectionRouted(route) } : {}),
  });
}
