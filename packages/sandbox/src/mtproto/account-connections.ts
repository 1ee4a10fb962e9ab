/** How many connections an account has open now, and the most it ever had at once. */
export interface AccountConnectionCount {
  open: number;
  peak: number;
}

/**
 * Counts each account's open MTProto connections (from its first message to its close), and the
 * peak, so a test can show that two processes never used one session at the same time: on
 * Telegram that ends both with AUTH_KEY_DUPLICATED.
 */
export class AccountConnections {
  private readonly accountOf = new Map<object, number>();
  private readonly counts = new Map<number, AccountConnectionCount>();

  /** A message arrived on `connection`, authenticated as `accountId`. */
  seen(connection: object, accountId: number): void {
    if (this.accountOf.has(connection)) return;
    this.accountOf.set(connection, accountId);
    const count = this.counts.get(accountId) ?? { open: 0, peak: 0 };
    count.open += 1;
    count.peak = Math.max(count.peak, count.open);
    this.counts.set(accountId, count);
  }

  closed(connection: object): void {
    const accountId = this.accountOf.get(connection);
    if (accountId === undefined) return;
    this.accountOf.delete(connection);
    const count = this.counts.get(accountId);
    if (count) count.open -= 1;
  }

  of(accountId: number): AccountConnectionCount {
    return { ...(this.counts.get(accountId) ?? { open: 0, peak: 0 }) };
  }
}
