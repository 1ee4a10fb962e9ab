import type { RedisOptions } from "ioredis";
import type { RedisAddress } from "./redis-address.ts";

/**
 * ioredis options for a master found through Redis Sentinel: the sentinels, the master's name
 * and its credentials. ioredis asks the sentinels for the master, reconnects to the new one after
 * a failover, and with failoverDetector listens to the sentinels' +switch-master so that it
 * moves at once instead of waiting for the old master's connection to fail.
 */
export function sentinelOptionsOf(address: Extract<RedisAddress, { kind: "sentinel" }>): RedisOptions {
  return {
    sentinels: address.sentinels,
    name: address.name,
    failoverDetector: true,
    ...(address.username !== undefined && { username: address.username }),
    ...(address.password !== undefined && { password: address.password }),
    ...(address.tls && { tls: {}, enableTLSForSentinelMode: true }),
  };
}
