import type { Logger } from "pino";
import { TelegramClient } from "telegram";
import { BoundedEntityCache, ENTITY_CACHE_LIMIT, EntitylessStringSession } from "./bounded-entity-memory.ts";
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
  /** Bound on gramjs's in-memory entity cache (see bounded-entity-memory.ts). @defaultValue ENTITY_CACHE_LIMIT */
  entityCacheLimit?: number;
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
 * - gramjs's two entity memories are bounded: the session keeps no entity rows and the entity
 *   cache keeps the last `entityCacheLimit` peers, so memory stays flat however many chats and
 *   messages the assistant sees (our Redis peer cache is where access hashes live).
 */
export function createUserbotClient(options: UserbotClientOptions): TelegramClient {
  const session = new EntitylessStringSession(options.session);
  const route =
    options.dial === undefined || options.dial instanceof DialRoute
      ? options.dial
      : new DialRoute(options.dial);
  // Never for Telegram's own servers: gramjs knows their keys, and another key would let a
  // different server pass as Telegram.
  if (route && options.serverPublicKey) trustServerKey(options.serverPublicKey);
  const client = new TelegramClient(session, options.apiId, options.apiHash, {
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
  client._entityCache = new BoundedEntityCache(options.entityCacheLimit ?? ENTITY_CACHE_LIMIT);
  return client;
}
