import type { StorageAdapter } from "grammy";
import type { Redis } from "ioredis";
import type { ChatFence } from "./chat-lock.ts";

/** The update no longer holds its chat's lock: its write would overwrite a newer one's. */
export class ChatLockLostError extends Error {
  override readonly name = "ChatLockLostError";
  constructor() {
    super("the chat's lock was lost before the conversation state was written; the write was refused");
  }
}

/** Writes (ARGV[2] set, or deleted when empty) only while KEYS[1] still holds the writer's token. */
const FENCED_WRITE = `
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == "" then redis.call("DEL", KEYS[2]) else redis.call("SET", KEYS[2], ARGV[2], "EX", ARGV[3]) end
return 1`;

/**
 * The guided flow's state in Redis, as @grammyjs/storage-redis stores it (JSON with a TTL), but
 * every write and delete is fenced: it happens in one script with a check that the update still
 * holds its chat's lock (ChatLock). When one process handles every update (ChatLock's scope
 * "process", long polling) its per-chat queue is the fence and writes are plain SET and DEL. A holder that lost the lock (frozen past the lock's lifetime,
 * a Redis failover) gets ChatLockLostError instead of overwriting the state of the update that
 * took the lock over. A write with no lock held is a programming error and throws too.
 *
 * The lock key and the state key are both under the prefix: with a hash-tagged prefix on a
 * Redis Cluster they share a slot, as the script needs.
 */
export function fencedConversationStorage<T>(deps: {
  redis: Redis;
  ttlSeconds: number;
  /** The fence of the update now handling the chat whose state is stored under this key. */
  fenceOf: (key: string) => ChatFence | undefined;
}): StorageAdapter<T> {
  const write = async (key: string, json: string) => {
    const fence = deps.fenceOf(key);
    if (!fence) throw new Error("conversation state written outside its chat's lock");
    if (fence.kind === "process") {
      await (json === "" ? deps.redis.del(key) : deps.redis.set(key, json, "EX", deps.ttlSeconds));
      return;
    }
    const written = await deps.redis.eval(
      FENCED_WRITE,
      2,
      fence.lockKey,
      key,
      fence.token,
      json,
      String(deps.ttlSeconds),
    );
    if (written !== 1) throw new ChatLockLostError();
  };
  return {
    async read(key) {
      const stored = await deps.redis.get(key);
      return stored === null ? undefined : (JSON.parse(stored) as T);
    },
    write: (key, value) => write(key, JSON.stringify(value)),
    delete: (key) => write(key, ""),
  };
}
