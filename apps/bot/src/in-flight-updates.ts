import type { Context, MiddlewareFn } from "grammy";

/**
 * Counts updates being handled, so that shutdown can wait for them. grammY runner's stop()
 * resolves once polling has stopped, not when the concurrently running handlers are done; without
 * this a SIGTERM could cut a /newcall between its "queued" answer and adding the job.
 */
export class InFlightUpdates {
  private count = 0;
  private waiters: Array<() => void> = [];

  middleware(): MiddlewareFn<Context> {
    return async (_ctx, next) => {
      this.count++;
      try {
        await next();
      } finally {
        this.count--;
        if (this.count === 0) for (const wake of this.waiters.splice(0)) wake();
      }
    };
  }

  get size(): number {
    return this.count;
  }

  /** Resolves when no update is being handled. */
  idle(): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
