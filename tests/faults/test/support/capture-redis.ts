import type { Redis } from "ioredis";
import type { OutputCapture } from "./output-capture.ts";

/**
 * Every value in Redis whose key matches `pattern` (all of it by default), whatever its type,
 * into the capture: job data, return values, failure reasons and the product's own keys, so the
 * secret scan reads what Redis keeps, not only what a test happened to read back.
 */
export async function captureRedis(
  connection: Redis,
  capture: OutputCapture,
  pattern = "*",
): Promise<number> {
  let count = 0;
  let cursor = "0";
  do {
    const [next, keys] = await connection.scan(cursor, "MATCH", pattern, "COUNT", 500);
    cursor = next;
    for (const key of keys) {
      capture.add(
        `redis ${await connection.type(key)}`,
        `${key} ${JSON.stringify(await readValue(connection, key))}`,
      );
      count++;
    }
  } while (cursor !== "0");
  return count;
}

async function readValue(connection: Redis, key: string): Promise<unknown> {
  switch (await connection.type(key)) {
    case "hash":
      return connection.hgetall(key);
    case "string":
      return connection.get(key);
    case "list":
      return connection.lrange(key, 0, -1);
    case "zset":
      return connection.zrange(key, "0", "-1", "WITHSCORES");
    case "set":
      return connection.smembers(key);
    case "stream":
      return connection.xrange(key, "-", "+");
    default:
      return null;
  }
}
