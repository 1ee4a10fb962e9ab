import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import { evalScript } from "../redis/eval-script.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";
import { type CallEntry, entryTtlSeconds, isCurrent } from "./call-entry.ts";
import { type RegistryKeys, registryKeys } from "./registry-keys.ts";

/** The chat and chats indexes live this long after their last change. */
const INDEX_TTL_SECONDS = 10 * 24 * 3600;
/** Entries kept per chat; older ones drop out of the index (and expire on their own). */
const MAX_ENTRIES_PER_CHAT = 30;
/** Chats kept in the "served chats" index. */
export const MAX_CHATS = 5_000;

export type NewEntry = Omit<CallEntry, "id" | "updatedAt">;

/**
 * An entry's save, in one script rather than a MULTI: a script is one command, which the bot's
 * connection batches with the other commands of the same moment (a MULTI is written on its own),
 * and Redis parses one command instead of ten.
 * KEYS: entry, the chat's index, the chats index, the by-request and by-call lookups (the entry's
 * key again when it has none: every key stays in the prefix's slot on a Redis Cluster).
 * ARGV: the entry's JSON, its TTL, now (ms), its id, its chat id, the entries kept per chat, the
 * chats kept, the indexes' TTL (s), "1" when it has a request, "1" when it has a call.
 */
const SAVE = `
local ttl, now, indexTtl = ARGV[2], tonumber(ARGV[3]), ARGV[8]
redis.call("SET", KEYS[1], ARGV[1], "EX", ttl)
redis.call("ZADD", KEYS[2], now, ARGV[4])
redis.call("ZREMRANGEBYRANK", KEYS[2], 0, -(tonumber(ARGV[6]) + 1))
redis.call("EXPIRE", KEYS[2], indexTtl)
redis.call("ZADD", KEYS[3], now, ARGV[5])
redis.call("ZREMRANGEBYRANK", KEYS[3], 0, -(tonumber(ARGV[7]) + 1))
redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", now - tonumber(indexTtl) * 1000)
redis.call("EXPIRE", KEYS[3], indexTtl)
if ARGV[9] == "1" then redis.call("SET", KEYS[4], ARGV[4], "EX", ttl) end
if ARGV[10] == "1" then redis.call("SET", KEYS[5], ARGV[4], "EX", ttl) end
return 1`;

/** Told of every entry the registry saves (announcements, reminders, the end-when-empty watch). */
export type EntryListener = (entry: CallEntry) => Promise<void>;

/**
 * The bot's view of calls per chat, in Redis. Storage only: the rules that turn results and
 * service messages into entries are in follow-call-events.ts.
 */
export class CallsRegistry {
  readonly keys: RegistryKeys;
  private readonly listeners: EntryListener[] = [];

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly clock: Clock,
    /** Where a corrupt entry is reported (it is skipped either way). */
    private readonly logger?: Logger,
  ) {
    this.keys = registryKeys(prefix);
  }

  /**
   * Calls `listener` after each save, in the saver's turn (awaited, so a result or service
   * message is followed through before it counts as handled). Listeners run side by side, so
   * their reads share a round trip; one that needs another's work first registers as one
   * listener that does both in order. A listener's failure is logged, never the saver's: the
   * registry stays right whatever an announcement does.
   */
  onSaved(listener: EntryListener): void {
    this.listeners.push(listener);
  }

  async get(id: string): Promise<CallEntry | undefined> {
    const key = this.keys.entry(id);
    return this.parseEntry(await this.redis.get(key), key);
  }

  async byRequest(requestId: string): Promise<CallEntry | undefined> {
    const id = await this.redis.get(this.keys.byRequest(requestId));
    return id === null ? undefined : this.get(id);
  }

  async byCall(callId: string): Promise<CallEntry | undefined> {
    const id = await this.redis.get(this.keys.byCall(callId));
    return id === null ? undefined : this.get(id);
  }

  /** A chat's entries, newest change first; ids whose entry expired are pruned. */
  async forChat(chatId: number): Promise<CallEntry[]> {
    const ids = await this.redis.zrevrange(this.keys.chat(chatId), 0, MAX_ENTRIES_PER_CHAT - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.keys.entry(id)));
    const gone = ids.filter((_, i) => raws[i] === null);
    if (gone.length > 0) await this.redis.zrem(this.keys.chat(chatId), ...gone);
    return raws.flatMap((raw, i) => {
      const entry = this.parseEntry(raw, this.keys.entry(ids[i] ?? ""));
      return entry ? [entry] : [];
    });
  }

  private parseEntry(raw: string | null, key: string): CallEntry | undefined {
    return parseStoredJson<CallEntry>(raw, { key, ...(this.logger && { logger: this.logger }) });
  }

  /** The chat's scheduled or live call, if the registry knows one. */
  async current(chatId: number): Promise<CallEntry | undefined> {
    return (await this.forChat(chatId)).find(isCurrent);
  }

  /** Chats that have (or recently had) entries, most recently active first. */
  async chats(limit = 200): Promise<number[]> {
    const ids = await this.redis.zrevrange(this.keys.chats, 0, limit - 1);
    return ids.map(Number);
  }

  async create(fields: NewEntry): Promise<CallEntry> {
    const id = (await this.redis.incr(this.keys.sequence)).toString(36);
    const entry: CallEntry = { ...fields, id, updatedAt: this.clock.now() };
    await this.save(entry);
    return entry;
  }

  /** Writes the entry with its TTL, its lookups and both indexes, in one round trip (SAVE). */
  async save(entry: CallEntry): Promise<CallEntry> {
    const now = this.clock.now();
    const saved = { ...entry, updatedAt: now };
    const ttl = entryTtlSeconds(saved, now);
    // The sequence key never expires: one small key, and ids are never reused, so an old /calls
    // button can never act on a newer entry.
    await evalScript(
      this.redis,
      SAVE,
      [
        this.keys.entry(saved.id),
        this.keys.chat(saved.chatId),
        this.keys.chats,
        saved.requestId === undefined ? this.keys.entry(saved.id) : this.keys.byRequest(saved.requestId),
        saved.call === undefined ? this.keys.entry(saved.id) : this.keys.byCall(saved.call.id),
      ],
      [
        JSON.stringify(saved),
        ttl,
        now,
        saved.id,
        saved.chatId,
        MAX_ENTRIES_PER_CHAT,
        MAX_CHATS,
        INDEX_TTL_SECONDS,
        saved.requestId === undefined ? "0" : "1",
        saved.call === undefined ? "0" : "1",
      ],
    );
    await Promise.all(this.listeners.map((listener) => this.follow(listener, saved)));
    return saved;
  }

  private follow(listener: EntryListener, entry: CallEntry): Promise<void> {
    return listener(entry).catch((error: unknown) =>
      this.logger?.warn({ err: error, entryId: entry.id }, "following a call's change failed"),
    );
  }

  /**
   * A basic group became a supergroup: its entries move to the new chat id (their calls keep
   * their ids). An ack in the old group is dropped: it can no longer be edited.
   */
  async moveChat(oldChatId: number, newChatId: number): Promise<void> {
    for (const { ack, ...entry } of await this.forChat(oldChatId)) {
      await this.save({ ...entry, chatId: newChatId, ...(ack && ack.chatId !== oldChatId && { ack }) });
    }
    await this.redis.multi().del(this.keys.chat(oldChatId)).zrem(this.keys.chats, String(oldChatId)).exec();
  }

  async remove(entry: CallEntry): Promise<void> {
    const multi = this.redis
      .multi()
      .del(this.keys.entry(entry.id))
      .zrem(this.keys.chat(entry.chatId), entry.id);
    if (entry.requestId !== undefined) multi.del(this.keys.byRequest(entry.requestId));
    if (entry.call !== undefined) multi.del(this.keys.byCall(entry.call.id));
    await multi.exec();
  }
}
