import { Redis, type RedisOptions } from "ioredis";
import { DeadlineError, withDeadline } from "../process/deadline.ts";
import { redactRedisUrl } from "./redact-redis-url.ts";
import { parseRedisAddress, type RedisAddress, type RedisNode } from "./redis-address.ts";
import { REDIS_CONNECT_TIMEOUT_MS } from "./redis-options.ts";
import { sentinelOptionsOf } from "./sentinel-options.ts";

/** Redis did not answer at start-up; the message says where callbot looked and what to do. */
export class RedisUnreachableError extends Error {
  override readonly name = "RedisUnreachableError";
  /** Why, in a few words: "connection refused", "host not found", ... */
  readonly reason: string;

  constructor(url: string, reason: string, hint: string) {
    super(`cannot reach Redis at ${redactRedisUrl(url)} (${reason}): ${hint}`);
    this.reason = reason;
  }
}

const START_OR_SET_URL = "start redis-server or set REDIS_URL";

/**
 * Connects once, sends PING and disconnects. Called at start-up so that a missing Redis gives
 * one clear sentence instead of ioredis reconnecting silently for ever.
 *
 * @throws RedisUnreachableError, e.g. "cannot reach Redis at redis://127.0.0.1:6379 (connection
 * refused): start redis-server or set REDIS_URL". A password in the URL is shown as "***".
 */
export async function assertRedisReachable(url: string, options: { timeoutMs?: number } = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? REDIS_CONNECT_TIMEOUT_MS;
  const address = parseRedisAddress(url);
  if (address.kind === "server") return pingServer(url, url, timeoutMs);
  // Through the sentinels: they must answer and name a master that answers.
  if (address.kind === "sentinel") return pingServer(url, sentinelOptionsOf(address), timeoutMs);
  // A cluster is reachable when one of the nodes given answers (the client finds the others).
  let failure: unknown;
  for (const node of address.nodes) {
    try {
      return await pingServer(url, serverUrlOf(address, node), timeoutMs);
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/** PING one server at `server` (a URL, or sentinel options); errors name `shownUrl` (the REDIS_URL as given). */
async function pingServer(shownUrl: string, server: string | RedisOptions, timeoutMs: number): Promise<void> {
  const url = shownUrl;
  const once: RedisOptions = {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  };
  const redis = typeof server === "string" ? new Redis(server, once) : new Redis({ ...server, ...once });
  // ioredis reports the cause on the "error" event and rejects connect() with a bare
  // "Connection is closed."; keep the cause.
  let cause: unknown;
  redis.on("error", (error) => {
    cause ??= error;
  });
  try {
    await withDeadline(
      redis.connect().then(() => redis.ping()),
      timeoutMs + 500,
      "Redis",
    );
  } catch (error) {
    if (error instanceof DeadlineError)
      throw new RedisUnreachableError(url, `no answer within ${timeoutMs} ms`, START_OR_SET_URL);
    const { reason, hint } = explain(cause ?? error, timeoutMs);
    throw new RedisUnreachableError(url, reason, hint);
  } finally {
    redis.disconnect();
  }
}

function explain(error: unknown, timeoutMs: number): { reason: string; hint: string } {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ECONNREFUSED") return { reason: "connection refused", hint: START_OR_SET_URL };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return { reason: "host not found", hint: "check the host in REDIS_URL" };
  if (code === "ETIMEDOUT" || /timed? ?out/i.test(message)) {
    return { reason: `no answer within ${timeoutMs} ms`, hint: START_OR_SET_URL };
  }
  if (code === "ECONNRESET")
    return { reason: "connection reset", hint: "check that REDIS_URL points at a Redis server" };
  if (/^(NOAUTH|WRONGPASS)/.test(message)) {
    return { reason: "authentication failed", hint: "check the user name and password in REDIS_URL" };
  }
  // The message comes from ioredis or the server, not from the URL, so it holds no password.
  return { reason: message, hint: "check that REDIS_URL points at a running Redis server" };
}

/** One cluster node as a plain redis:// URL with the cluster's credentials. */
function serverUrlOf(address: Extract<RedisAddress, { kind: "cluster" }>, node: RedisNode): string {
  const user = encodeURIComponent(address.username ?? "");
  const password = address.password === undefined ? "" : `:${encodeURIComponent(address.password)}`;
  const credentials = user || password ? `${user}${password}@` : "";
  const host = node.host.includes(":") ? `[${node.host}]` : node.host;
  return `${address.tls ? "rediss" : "redis"}://${credentials}${host}:${node.port}`;
}
