import type { UpdateQueue } from "./update-queue.ts";

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export interface WebhookRetryPolicy {
  /** First wait after a failed delivery; doubles up to maxDelayMs. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** How long one POST may take before it counts as failed. */
  requestTimeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 2000,
  requestTimeoutMs: 15_000,
};

/**
 * POSTs updates to the bot's webhook one at a time and in order, with the secret-token header,
 * and retries a failed one (non-2xx or network error) with growing waits until it is accepted.
 */
export class WebhookDelivery {
  private readonly stopController = new AbortController();
  private lastError: { date: number; message: string } | undefined;
  private loop: Promise<void>;

  constructor(
    readonly settings: WebhookSettings,
    private readonly queue: UpdateQueue,
    private readonly retry: WebhookRetryPolicy,
  ) {
    this.loop = this.run();
  }

  get lastErrorInfo(): { date: number; message: string } | undefined {
    return this.lastError;
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    let delay = this.retry.initialDelayMs;
    while (!signal.aborted) {
      const [update] = this.queue.peek(1);
      if (!update) {
        await this.queue.waitForPush(60_000, signal);
        continue;
      }
      const failure = await this.post(update, signal);
      if (signal.aborted) return;
      if (failure === undefined) {
        this.queue.confirm(update.update_id + 1);
        delay = this.retry.initialDelayMs;
        continue;
      }
      this.lastError = { date: Math.floor(Date.now() / 1000), message: failure };
      await abortableSleep(delay, signal);
      delay = Math.min(delay * 2, this.retry.maxDelayMs);
    }
  }

  /** undefined when the webhook accepted the update, otherwise what went wrong (Telegram's wording). */
  private async post(update: unknown, stop: AbortSignal): Promise<string | undefined> {
    const timeout = AbortSignal.timeout(this.retry.requestTimeoutMs);
    try {
      const response = await fetch(this.settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(this.settings.secretToken && { "X-Telegram-Bot-Api-Secret-Token": this.settings.secretToken }),
        },
        body: JSON.stringify(update),
        signal: AbortSignal.any([stop, timeout]),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return undefined;
      return `Wrong response from the webhook: ${response.status} ${response.statusText}`;
    } catch (error) {
      if (timeout.aborted) return "Read timeout expired";
      return `Connection failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
    }
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
