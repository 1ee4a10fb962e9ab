import { Redis } from "ioredis";
import { type RedisRole, redisOptionsForRole } from "./redis-options.ts";

export interface CreateRedisConnectionOptions {
  role: RedisRole;
  /** Shown by CLIENT LIST; helps an operator see who holds which connection. */
  connectionName?: string;
}

/**
 * An ioredis connection with the options BullMQ needs for the role (see RedisRole). Pass it as
 * `connection` to a BullMQ Queue ("producer") or Worker ("worker"). The caller owns it and
 * closes it with `quit()` after the BullMQ objects that use it.
 *
 * @example
 * const connection = createRedisConnection(config.redisUrl, { role: "producer" });
 * const calls = new Queue(QUEUE_NAMES.calls, { connection, prefix });
 */
export function createRedisConnection(url: string, options: CreateRedisConnectionOptions): Redis {
  return new Redis(url, {
    ...redisOptionsForRole(options.role),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
  });
}
