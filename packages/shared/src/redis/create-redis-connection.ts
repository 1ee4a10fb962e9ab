import { Cluster, Redis } from "ioredis";
import { parseRedisAddress } from "./redis-address.ts";
import { type RedisRole, redisOptionsForRole } from "./redis-options.ts";
import { sentinelOptionsOf } from "./sentinel-options.ts";

export interface CreateRedisConnectionOptions {
  role: RedisRole;
  /** Shown by CLIENT LIST; helps an operator see who holds which connection. */
  connectionName?: string;
  /**
   * Send the commands issued in one turn of the event loop in one write (ioredis's
   * enableAutoPipelining). A write that wakes Redis costs the sender tens of microseconds, more
   * than the command itself, so under load this cuts the writes and Redis's reads severalfold;
   * while one batch is in flight the next waits for its answer. For the process's own commands
   * only: BullMQ's connections stay as BullMQ documents them.
   */
  autoPipelining?: boolean;
}

/**
 * An ioredis connection with the options BullMQ needs for the role (see RedisRole). Pass it as
 * `connection` to a BullMQ Queue ("producer") or Worker ("worker"). The caller owns it and
 * closes it with `quit()` after the BullMQ objects that use it.
 *
 * With a `redis+sentinel://` REDIS_URL it finds the master through the sentinels (and follows a
 * failover). With a `redis+cluster://` REDIS_URL it is an ioredis Cluster client. It is typed as Redis
 * because it answers the same commands (BullMQ takes either); every callbot key lives under the
 * hash-tagged prefix (`{callbot}`), so each MULTI and script stays inside one slot. What a
 * cluster client cannot do (SCAN or MONITOR over the whole keyspace, CLIENT on one server)
 * callbot's product code does not use.
 *
 * @example
 * const connection = createRedisConnection(config.redisUrl, { role: "producer" });
 * const calls = new Queue(QUEUE_NAMES.calls, { connection, prefix });
 */
export function createRedisConnection(url: string, options: CreateRedisConnectionOptions): Redis {
  const { retryStrategy, ...roleOptions } = redisOptionsForRole(options.role);
  const named = options.connectionName === undefined ? {} : { connectionName: options.connectionName };
  const batched = options.autoPipelining === true ? { enableAutoPipelining: true } : {};
  const address = parseRedisAddress(url);
  if (address.kind === "server")
    return new Redis(url, { ...roleOptions, retryStrategy, ...named, ...batched });
  if (address.kind === "sentinel") {
    return new Redis({ ...sentinelOptionsOf(address), ...roleOptions, retryStrategy, ...named, ...batched });
  }
  const cluster = new Cluster(address.nodes, {
    // The cluster client keeps its own offline queue and retries; the node connections follow the role.
    enableOfflineQueue: roleOptions.enableOfflineQueue ?? true,
    clusterRetryStrategy: (attempt) => retryStrategy?.(attempt) ?? null,
    ...batched,
    ...(roleOptions.maxRetriesPerRequest !== undefined && { maxRedirections: 16 }),
    redisOptions: {
      ...roleOptions,
      ...named,
      ...(address.username !== undefined && { username: address.username }),
      ...(address.password !== undefined && { password: address.password }),
      ...(address.tls && { tls: {} }),
    },
  });
  return cluster as unknown as Redis;
}
