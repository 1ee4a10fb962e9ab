/** Which side of the sandbox a request came in on. */
export type SandboxProtocol = "botApi" | "mtproto";

export interface CountersSnapshot {
  botApi: Record<string, number>;
  mtproto: Record<string, number>;
  /** Bot API requests answered 429 Too Many Requests, per method (send limits and faults alike). */
  rateLimited: Record<string, number>;
}

/**
 * Requests per method on each protocol. Tests and the benchmark read these to prove
 * what a command costs in Telegram requests.
 */
export class RequestCounters {
  private counts: CountersSnapshot = { botApi: {}, mtproto: {}, rateLimited: {} };

  increment(protocol: SandboxProtocol, method: string): void {
    const table = this.counts[protocol];
    table[method] = (table[method] ?? 0) + 1;
  }

  /** A Bot API request answered 429: what a client that loops on 429s would drive up. */
  incrementRateLimited(method: string): void {
    this.counts.rateLimited[method] = (this.counts.rateLimited[method] ?? 0) + 1;
  }

  snapshot(): CountersSnapshot {
    return {
      botApi: { ...this.counts.botApi },
      mtproto: { ...this.counts.mtproto },
      rateLimited: { ...this.counts.rateLimited },
    };
  }

  reset(): void {
    this.counts = { botApi: {}, mtproto: {}, rateLimited: {} };
  }
}
