import { BotApiError } from "./bot-api-error.ts";

export type BotApiUpdate = { update_id: number } & Record<string, unknown>;

/** The update types Telegram sends when allowed_updates is empty or absent. */
const DEFAULT_EXCLUDED = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

/** The held getUpdates request, so a newer one can terminate it the way Telegram does. */
interface HeldPoll {
  terminate(): void;
}

/**
 * The bot's unconfirmed updates, in order. getUpdates reads them (confirming with `offset`),
 * or the webhook delivery does. Waiting is event-driven: a held request wakes on push().
 */
export class UpdateQueue {
  private pending: BotApiUpdate[] = [];
  private nextUpdateId = 1;
  private wakers = new Set<() => void>();
  private heldPoll: HeldPoll | undefined;
  private allowedUpdates: Set<string> | undefined;

  push(payload: Record<string, unknown>): BotApiUpdate {
    const update = { update_id: this.nextUpdateId++, ...payload } as BotApiUpdate;
    this.pending.push(update);
    for (const wake of [...this.wakers]) wake();
    return update;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** getUpdates' `offset`: everything below it is confirmed; a negative offset keeps the last -offset. */
  confirm(offset: number): void {
    if (offset < 0) this.pending = this.pending.slice(offset);
    else this.pending = this.pending.filter((u) => u.update_id >= offset);
  }

  /** A webhook delivery of this update was accepted (deliveries may finish out of order). */
  remove(updateId: number): void {
    this.pending = this.pending.filter((u) => u.update_id !== updateId);
  }

  dropAll(): void {
    this.pending = [];
  }

  /** allowed_updates: Telegram remembers the last list given; empty means the default set. */
  setAllowedUpdates(types: string[] | undefined): void {
    if (types === undefined) return;
    this.allowedUpdates = types.length > 0 ? new Set(types) : undefined;
  }

  /**
   * The oldest deliverable update that `accept` takes, without copying the pending list (the
   * webhook delivery asks once per POST, with thousands pending in a burst).
   */
  first(accept: (update: BotApiUpdate) => boolean): BotApiUpdate | undefined {
    for (let i = 0; i < this.pending.length; i++) {
      const update = this.pending[i]!;
      if (!this.isAllowed(update)) {
        this.pending.splice(i--, 1);
        continue;
      }
      if (accept(update)) return update;
    }
    return undefined;
  }

  /** Calls `listener` on every push until the returned function is called. */
  onPush(listener: () => void): () => void {
    this.wakers.add(listener);
    return () => this.wakers.delete(listener);
  }

  /** The first `limit` deliverable updates (not removed until confirmed). */
  peek(limit: number): BotApiUpdate[] {
    this.pending = this.pending.filter((u) => this.isAllowed(u));
    return this.pending.slice(0, limit);
  }

  private isAllowed(update: BotApiUpdate): boolean {
    const type = Object.keys(update).find((k) => k !== "update_id") ?? "";
    return this.allowedUpdates ? this.allowedUpdates.has(type) : !DEFAULT_EXCLUDED.has(type);
  }

  /** Resolves when an update is pushed, the time is up or the signal aborts. */
  waitForPush(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.wakers.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /**
   * Holds a getUpdates request for up to `timeoutMs` until an update can be delivered. A newer
   * getUpdates terminates the held one with 409 (Telegram's message names the newer request).
   */
  async hold(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    this.heldPoll?.terminate();
    let terminated = false;
    const controller = new AbortController();
    const poll: HeldPoll = {
      terminate: () => {
        terminated = true;
        controller.abort();
      },
    };
    this.heldPoll = poll;
    const onAbort = () => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const deadline = Date.now() + timeoutMs;
      while (!controller.signal.aborted && this.peek(1).length === 0 && Date.now() < deadline) {
        await this.waitForPush(deadline - Date.now(), controller.signal);
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      if (this.heldPoll === poll) this.heldPoll = undefined;
    }
    if (terminated) {
      throw new BotApiError(
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
      );
    }
  }

  /** Any getUpdates call (held or not) ends the one being held. */
  terminateHeldPoll(): void {
    this.heldPoll?.terminate();
  }

  /** Ends every wait (server shutdown). */
  close(): void {
    this.heldPoll = undefined;
    for (const wake of [...this.wakers]) wake();
  }
}
