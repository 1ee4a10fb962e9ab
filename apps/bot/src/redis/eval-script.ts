import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

const SHAS = new Map<string, string>();

/** EVALSHA, loading the script on the first NOSCRIPT (a restarted or flushed Redis). */
export async function evalScript(
  redis: Redis,
  script: string,
  keys: readonly string[],
  args: ReadonlyArray<string | number>,
): Promise<unknown> {
  let sha = SHAS.get(script);
  if (sha === undefined) {
    sha = createHash("sha1").update(script).digest("hex");
    SHAS.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
