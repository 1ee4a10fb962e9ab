import type { BotApiUpdate, UpdateQueue } from "./update-queue.ts";

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  /** setWebhook's max_connections: how many POSTs may be open at once (1-100, Telegram's default 40). */
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
 * Which of the Bot API server's delivery queues an update is in. telegram-bot-api's WebhookActor
 * sends the updates of one queue one after another (the next once the previous is answered) and
 * different queues side by side. The key per update type is an ASSUMPTION: messages (and a chat's
 * member updates) by chat, button presses by the user who pressed, anything else alone. So a
 * private chat's typed answer and a button press in it may arrive at the same time.
 */
export function deliveryQueueOf(update: BotApiUpdate): string {
  const body = Object.values(update).find((value) => typeof value === "object" && value !== null) as
    | { chat?: { id?: number }; from?: { id?: number } }
    | undefined;
  if (update.callback_query && body?.from?.id !== undefined) return `user:${body.from.id}`;
  if (body?.chat?.id !== undefined) return `chat:${body.chat.id}`;
  return `update:${update.update_id}`;
}

/**
 * POSTs updates to the bot's webhook with the secret-token header, up to `maxConnections` at
 * once (Telegram: "the maximum allowed number of simultaneous HTTPS connections to the webhook
 * for update delivery"), oldest first, one at a time per delivery queue (deliveryQueueOf): one
 * chat's messages arrive in order, but a button press and a message, or two chats' updates, are
 * handled side by side. An update is confirmed when its POST gets a 2xx. A failed one (non-2xx or
 * network error) stops new deliveries: after a growing wait it is tried again alone, and the
 * webhook opens up again once it is accepted.
 */
export class WebhookDelivery {
  private readonly stopController = new AbortController();
  private lastError: { date: number; message: string } | undefined;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Delivery queues (deliveryQueueOf) with an update on its way: their next waits for its answer. */
  private readonly busyQueues = new Set<string>();
  private failing = false;
  private delay: number;
  private wakeLoop: (() => void) | undefined;
  private loop: Promise<void>;

  constructor(
    readonly settings: WebhookSettings,
    private readonly queue: UpdateQueue,
    private readonly retry: WebhookRetryPolicy,
  ) {
    this.delay = retry.initialDelayMs;
    this.loop = this.run();
  }

  get lastErrorInfo(): { date: number; message: string } | undefined {
    return this.lastError;
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.wakeLoop?.();
    await this.loop;
    await Promise.all(this.inFlight.values());
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      // While a delivery fails, one at a time (the failed one first); otherwise up to maxConnections.
      const open = this.failing ? 1 : Math.max(1, this.settings.maxConnections);
      const next = this.inFlight.size < open ? this.nextSendable() : undefined;
      if (next) {
        this.busyQueues.add(deliveryQueueOf(next));
        this.inFlight.set(
          next.update_id,
          this.deliver(next, signal).finally(() => {
            this.inFlight.delete(next.update_id);
            this.busyQueues.delete(deliveryQueueOf(next));
            this.wakeLoop?.();
          }),
        );
        continue;
      }
      // Nothing to send, or every connection busy: wait for a new update or a finished POST.
      const wake = new AbortController();
      this.wakeLoop = () => wake.abort();
      await this.queue.waitForPush(60_000, AbortSignal.any([signal, wake.signal]));
      this.wakeLoop = undefined;
    }
  }

  /** The oldest pending update whose queue has nothing on its way. */
  private nextSendable(): BotApiUpdate | undefined {
    const passed = new Set<string>();
    for (const update of this.queue.peek(Number.MAX_SAFE_INTEGER)) {
      const queue = deliveryQueueOf(update);
      if (!this.busyQueues.has(queue) && !passed.has(queue)) return update;
      passed.add(queue);
    }
    return undefined;
  }

  private async deliver(update: BotApiUpdate, signal: AbortSignal): Promise<void> {
    const failure = await this.post(update, signal);
    if (signal.aborted) return;
    if (failure === undefined) {
      this.queue.remove(update.update_id);
      this.failing = false;
      this.delay = this.retry.initialDelayMs;
      return;
    }
    this.failing = true;
    this.lastError = { date: Math.floor(Date.now() / 1000), message: failure };
    // The update stays pending and is the oldest: the next delivery after the wait retries it.
    await abortableSleep(this.delay, signal);
    this.delay = Math.min(this.delay * 2, this.retry.maxDelayMs);
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
