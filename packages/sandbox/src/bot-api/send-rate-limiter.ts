/** Bot API send limits. Defaults follow Telegram's published guidance for bots. */
export interface BotApiRateLimits {
  /** Messages a second into one chat (Telegram: about 1). */
  perChatPerSecond: number;
  /** Short bursts allowed above that rate into one chat. */
  perChatBurst: number;
  /** Messages a minute into one group or channel (Telegram: 20). */
  perGroupPerMinute: number;
  /** Messages a second over all chats (Telegram: about 30). */
  overallPerSecond: number;
  /**
   * The least retry_after a 429 names. 0 (default): the time until the next send may go, a
   * few seconds at most. Busy groups get 30-60 s and more from Telegram; set this to test that.
   */
  retryAfterFloorSeconds?: number;
}

export const DEFAULT_RATE_LIMITS: BotApiRateLimits = {
  perChatPerSecond: 1,
  perChatBurst: 3,
  perGroupPerMinute: 20,
  overallPerSecond: 30,
};

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Milliseconds until one token is available (0 = now). */
  waitMs(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/** Token buckets per chat, per group and overall; a refused send takes nothing from any. */
export class SendRateLimiter {
  private readonly perChat = new Map<number, TokenBucket>();
  private readonly perGroup = new Map<number, TokenBucket>();
  private readonly overall: TokenBucket;

  constructor(
    private readonly limits: BotApiRateLimits,
    private readonly now: () => number = Date.now,
  ) {
    this.overall = new TokenBucket(limits.overallPerSecond, limits.overallPerSecond / 1000, now());
  }

  /** Seconds to wait (Telegram's retry_after), or undefined when the send may go now. */
  check(chatId: number): number | undefined {
    const now = this.now();
    const buckets = [
      this.overall,
      this.bucket(this.perChat, chatId, this.limits.perChatBurst, this.limits.perChatPerSecond / 1000, now),
    ];
    if (chatId < 0) {
      const perMinute = this.limits.perGroupPerMinute;
      buckets.push(this.bucket(this.perGroup, chatId, perMinute, perMinute / 60_000, now));
    }
    const waitMs = Math.max(...buckets.map((b) => b.waitMs(now)));
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000), this.limits.retryAfterFloorSeconds ?? 0);
    for (const bucket of buckets) bucket.take();
    return undefined;
  }

  private bucket(map: Map<number, TokenBucket>, key: number, capacity: number, perMs: number, now: number) {
    let bucket = map.get(key);
    if (!bucket) {
      bucket = new TokenBucket(capacity, perMs, now);
      map.set(key, bucket);
    }
    return bucket;
  }
}
