/** Which side of the sandbox a request came in on. */
export type SandboxProtocol = "botApi" | "mtproto";

export interface CountersSnapshot {
  botApi: Record<string, number>;
  mtproto: Record<string, number>;
}

/**
 * Requests per method on each protocol. Tests and the benchmark read these to prove
 * what a command costs in Telegram requests.
 */
export class RequestCounters {
  private counts: CountersSnapshot = { botApi: {}, mtproto: {} };

  increment(protocol: SandboxProtocol, method: string): void {
    const table = this.counts[protocol];
    table[method] = (table[method] ?? 0) + 1;
  }

  snapshot(): CountersSnapshot {
    return { botApi: { ...this.counts.botApi }, mtproto: { ...this.counts.mtproto } };
  }

  reset(): void {
    this.counts = { botApi: {}, mtproto: {} };
  }
}
