import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Telegram allows one call per chat and does not refuse a second create: it ends the first for
 * everyone (core.telegram.org/api/group-calls). The worker reads the chat's call before creating,
 * but two jobs for one chat running at once (two admins in the same second, a rule's two due
 * occurrences, a planned call and an occurrence; in one process or in several accounts'
 * processes) would both find the chat free and both create. So "read the chat's call, then
 * create" takes the chat's turn: one Redis key per chat, shared by every worker on the prefix.
 */
export interface ChatCreateTurns {
  /**
   * Runs `work` while no other request creates in this chat, waiting for the turn if needed.
   * The turn belongs to the request (`requestId`, its job id), not to the process: a job handed
   * back by a stopping worker, or left by one that crashed, takes its own turn back at once in the
   * next worker instead of waiting out the TTL.
   */
  run<T>(chatId: number, requestId: string, work: () => Promise<T>): Promise<T>;
}

export interface RedisChatCreateTurnsOptions {
  redis: Redis;
  prefix: string;
  /**
   * How long a turn outlives a process that died holding it. Longer than a create's own work
   * (the check, the create, the RTMP URL and the invite link: four requests of at most 15 s each,
   * DEFAULT_INVOKE_TIMEOUT_MS) so a slow holder is never overtaken.
   */
  ttlMs?: number;
}

/** The key of a chat's turn; the prefix is the queue prefix (hash-tagged on Redis Cluster). */
export function chatCreateTurnKey(prefix: string, chatId: number): string {
  return `${prefix}:create-turn:${chatId}`;
}

/**
 * Takes the turn when it is free or held by an earlier attempt of the same request (the value
 * starts with ARGV[1], "<requestId>|"). KEYS: turn. ARGV: request prefix, new value, TTL ms.
 */
const TAKE_TURN = `local v = redis.call("GET", KEYS[1])
if v == false or string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then
  redis.call("SET", KEYS[1], ARGV[2], "PX", ARGV[3])
  return 1
end
return 0`;

/**
 * Frees the turn only if it is still this attempt's: a holder that outlived its TTL, or an
 * abandoned earlier attempt finishing late, never frees the next one's.
 */
const RELEASE_IF_OWNER = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/** First pause while another job holds the turn, doubled up to the last: a create takes a few round trips. */
const FIRST_PAUSE_MS = 20;
const LONGEST_PAUSE_MS = 250;

export function redisChatCreateTurns(options: RedisChatCreateTurnsOptions): ChatCreateTurns {
  const ttlMs = options.ttlMs ?? 75_000;
  return {
    async run(chatId, requestId, work) {
      const key = chatCreateTurnKey(options.prefix, chatId);
      const token = `${requestId}|${randomUUID()}`;
      let pauseMs = FIRST_PAUSE_MS;
      // Bounded by the holder's TTL: a turn is either freed by its holder or expires.
      while ((await options.redis.eval(TAKE_TURN, 1, key, `${requestId}|`, token, ttlMs)) !== 1) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS);
      }
      try {
        return await work();
      } finally {
        // Not awaited: the result goes out beside the release instead of after it (commands on
        // one connection keep their order, so this worker's next take for the chat comes after
        // it). A release Redis did not take only delays the chat's next create until the TTL:
        // never worth failing, or holding up, a create that Telegram has already carried out.
        void options.redis.eval(RELEASE_IF_OWNER, 1, key, token).catch(() => undefined);
      }
    },
  };
}
