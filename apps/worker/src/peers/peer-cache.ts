import type { Redis } from "ioredis";

/** What it takes to address a channel over MTProto without asking Telegram first. */
export interface CachedChannel {
  channelId: string;
  accessHash: string;
}

/**
 * Access hashes are stable for an account and a channel, so they are kept for long; a stale
 * one costs one refused request (CHANNEL_INVALID), after which it is dropped and looked up again.
 */
export const PEER_CACHE_TTL_SECONDS = 30 * 24 * 60 * 60;

/**
 * How long "the assistant is not in this chat" is remembered: a request naming such a chat costs
 * at most one Telegram request per chat in this time (anyone who owns a group could otherwise
 * make the assistant spend its flood budget, security review §3). Short, since adding the
 * assistant to the chat is the fix the refusal asks for.
 */
export const NOT_IN_CHAT_TTL_SECONDS = 5 * 60;

/**
 * Redis cache of channel access hashes, by channel id and by username, so that in the steady
 * state resolving a target costs no Telegram request at all. Keys live under the BullMQ prefix
 * and name the account: Telegram's access hashes are account-bound ("every account will see a
 * different value for the same resource", Telethon's glossary), so a new assistant account must
 * never be handed the old one's hashes.
 */
export class PeerCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** The assistant account's user id: whose hashes these are. */
    private readonly accountId: number | string,
    private readonly notInChatTtlSeconds = NOT_IN_CHAT_TTL_SECONDS,
  ) {}

  async byChannelId(channelId: number | string): Promise<CachedChannel | undefined> {
    return parse(await this.redis.get(this.idKey(channelId)));
  }

  async byUsername(username: string): Promise<CachedChannel | undefined> {
    return parse(await this.redis.get(this.usernameKey(username)));
  }

  async remember(channels: ReadonlyArray<CachedChannel & { username?: string | undefined }>): Promise<void> {
    if (channels.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const channel of channels) {
      const value = JSON.stringify({ channelId: channel.channelId, accessHash: channel.accessHash });
      pipeline.set(this.idKey(channel.channelId), value, "EX", PEER_CACHE_TTL_SECONDS);
      if (channel.username)
        pipeline.set(this.usernameKey(channel.username), value, "EX", PEER_CACHE_TTL_SECONDS);
    }
    await pipeline.exec();
  }

  /** Drops a channel's entry (and its username's) after Telegram refused the hash. */
  async forget(channelId: number | string, username?: string): Promise<void> {
    const keys = [this.idKey(channelId), ...(username ? [this.usernameKey(username)] : [])];
    await this.redis.del(...keys);
  }

  /** Remembers that the account is not in the chat (Bot API id), with Telegram's refusal. */
  async rememberNotIn(botApiChatId: number, errorName: string): Promise<void> {
    await this.redis.set(this.notInKey(botApiChatId), errorName, "EX", this.notInChatTtlSeconds);
  }

  /** Drops the remembered refusal: the account just joined the chat. */
  async forgetNotIn(botApiChatId: number): Promise<void> {
    await this.redis.del(this.notInKey(botApiChatId));
  }

  /**
   * What a job needs before anything else, in one round trip: the refusal remembered for a chat
   * (Bot API id; undefined skips it) and the cached access hash of a channel (undefined for a
   * basic group).
   */
  async lookUp(
    notInOf: number | undefined,
    channelId: number | string | undefined,
  ): Promise<{ notIn: string | undefined; channel: CachedChannel | undefined }> {
    const notInKey = notInOf === undefined ? undefined : this.notInKey(notInOf);
    const idKey = channelId === undefined ? undefined : this.idKey(channelId);
    const keys = [notInKey, idKey].filter((key): key is string => key !== undefined);
    const values = keys.length === 0 ? [] : await this.redis.mget(...keys);
    const stored = (key: string | undefined) =>
      key === undefined ? null : (values[keys.indexOf(key)] ?? null);
    return { notIn: stored(notInKey) ?? undefined, channel: parse(stored(idKey)) };
  }

  /** The refusal remembered for a chat the account is not in, if any. */
  async notIn(botApiChatId: number): Promise<string | undefined> {
    return (await this.redis.get(this.notInKey(botApiChatId))) ?? undefined;
  }

  private notInKey(botApiChatId: number): string {
    return `${this.prefix}:peer:${this.accountId}:not-in:${botApiChatId}`;
  }

  private idKey(channelId: number | string): string {
    return `${this.prefix}:peer:${this.accountId}:channel:${channelId}`;
  }

  private usernameKey(username: string): string {
    // Telegram usernames are case-insensitive.
    return `${this.prefix}:peer:${this.accountId}:username:${username.toLowerCase()}`;
  }
}

function parse(value: string | null): CachedChannel | undefined {
  if (!value) return undefined;
  const parsed = JSON.parse(value) as Partial<CachedChannel>;
  if (typeof parsed.channelId !== "string" || typeof parsed.accessHash !== "string") return undefined;
  return { channelId: parsed.channelId, accessHash: parsed.accessHash };
}
