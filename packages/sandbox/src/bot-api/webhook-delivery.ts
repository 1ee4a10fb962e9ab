import type { BotApiUpdate, UpdateQueue } from "./update-queue.ts";

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  /** setWebhook's max_connections: how many POSTs may be open at once (1-100, Telegram's default 40). */
  maxConnections: number;
}

/**
 * How a failed delivery is tried again, as telegram-bot-api's WebhookActor does it
 * (`on_update_error`): only the failed update's delivery queue waits, every other queue goes on;
 * the first failure is retried at once, then after 2 s, doubling up to WEBHOOK_MAX_RESEND_TIMEOUT
 * (60 s; Telegram adds up to as much again at random, the sandbox does not). A Retry-After header
 * on the answer sets the wait instead (at most an hour).
 */
export interface WebhookRetryPolicy {
  /** Wait before the second retry of an update; doubles with each further failure. @defaultValue 2000 */
  initialDelayMs: number;
  /** Longest wait between two tries of an update. @defaultValue 60000 */
  maxDelayMs: number;
  /**
   * How long one POST may go unanswered before it counts as failed (the connection's idle timeout
   * in telegram-bot-api: `HttpOutboundConnection(…, 60, …)`). @defaultValue 60000
   */
  requestTimeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = {
  initialDelayMs: 2000,
  maxDelayMs: 60_000,
  requestTimeoutMs: 60_000,
};

/** Telegram's cap on a Retry-After the webhook asks for (MAX_RETRY_AFTER). */
const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * Which of the Bot API server's delivery queues an update is in. telegram-bot-api's WebhookActor
 * sends the updates of one queue one after another (the next once the previous is answered) and
 * different queues side by side. The key per update type is an ASSUMPTION: messages (and a chat's
 * member updates) by chat, button presses by the user who pressed, anything else alone. So a
 * private chat's typed answer and a button press in it may arrive at the same time.
 */
export function deliveryQueueOf(update: BotApiUpdate): string {
  let queue = queueOfUpdate.get(update);
  if (queue === undefined) {
    queue = computeDeliveryQueue(update);
    queueOfUpdate.set(update, queue);
  }
  return queue;
}

/** Asked for every pending update on every POST: computed once per update. */
const queueOfUpdate = new WeakMap<BotApiUpdate, string>();

function computeDeliveryQueue(update: BotApiUpdate): string {
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
 * handled side by side. A connection carries one POST at a time, so each open POST holds one of
 * the `maxConnections` until the bot answers. An update is confirmed when its POST gets a 2xx. A
 * failed one (non-2xx, network error, no answer in time) holds back only its own delivery queue
 * until it is tried again (WebhookRetryPolicy); other queues keep being delivered.
 */
export class WebhookDelivery {
  private readonly stopController = new AbortController();
  private lastError: { date: number; message: string } | undefined;
  private readonly inFlight = new Map<number, Promise<void>>();
  /** Delivery queues (deliveryQueueOf) with an update on its way: their next waits for its answer. */
  private readonly busyQueues = new Set<string>();
  /** Delivery queues whose first update failed: not before this time (ms), and its failures so far. */
  private readonly retries = new Map<string, { at: number; failures: number; delayMs: number }>();
  /** Resolves the loop's wait: a push, a finished POST or stop(). */
  private wakeLoop: (() => void) | undefined;
  private readonly stopListening: () => void;
  private loop: Promise<void>;

  constructor(
    readonly settings: WebhookSettings,
    private readonly queue: UpdateQueue,
    private readonly retry: WebhookRetryPolicy,
  ) {
    this.stopListening = queue.onPush(() => this.wakeLoop?.());
    this.loop = this.run();
  }

  get lastErrorInfo(): { date: number; message: string } | undefined {
    return this.lastError;
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.stopListening();
    this.wakeLoop?.();
    await this.loop;
    await Promise.all(this.inFlight.values());
  }

  private async run(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      const open = Math.max(1, this.settings.maxConnections);
      const next = this.inFlight.size < open ? this.nextSendable() : undefined;
      if (next) {
        const deliveryQueue = deliveryQueueOf(next);
        this.busyQueues.add(deliveryQueue);
        this.inFlight.set(
          next.update_id,
          this.deliver(next, deliveryQueue, signal).finally(() => {
            this.inFlight.delete(next.update_id);
            this.busyQueues.delete(deliveryQueue);
            this.wakeLoop?.();
          }),
        );
        continue;
      }
      // Nothing to send, every connection busy, or the next retry not due yet: wait for a new
      // update, a finished POST or the earliest retry (a plain callback: this runs once per POST).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.msUntilNextRetry());
        this.wakeLoop = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeLoop = undefined;
    }
  }

  /** The oldest pending update whose queue has nothing on its way and no retry still to wait for. */
  private nextSendable(): BotApiUpdate | undefined {
    const passed = new Set<string>();
    const now = Date.now();
    return this.queue.first((update) => {
      const queue = deliveryQueueOf(update);
      if (passed.has(queue)) return false;
      passed.add(queue);
      return !this.busyQueues.has(queue) && (this.retries.get(queue)?.at ?? 0) <= now;
    });
  }

  private msUntilNextRetry(): number {
    let soonest = 60_000;
    for (const { at } of this.retries.values()) soonest = Math.min(soonest, Math.max(1, at - Date.now()));
    return soonest;
  }

  private async deliver(update: BotApiUpdate, deliveryQueue: string, signal: AbortSignal): Promise<void> {
    const failure = await this.post(update, signal);
    if (signal.aborted) return;
    if (failure === undefined) {
      this.queue.remove(update.update_id);
      this.retries.delete(deliveryQueue);
      return;
    }
    this.lastError = { date: Math.floor(Date.now() / 1000), message: failure.message };
    // The update stays pending and first in its queue: the queue waits, then tries it again.
    const previous = this.retries.get(deliveryQueue);
    const failures = (previous?.failures ?? 0) + 1;
    const delayMs =
      failures === 1
        ? 0
        : Math.min(
            previous?.delayMs ? previous.delayMs * 2 : this.retry.initialDelayMs,
            this.retry.maxDelayMs,
          );
    const waitMs = failure.retryAfterMs ?? delayMs;
    this.retries.set(deliveryQueue, { at: Date.now() + waitMs, failures, delayMs });
  }

  /** undefined when the webhook accepted the update, otherwise what went wrong (Telegram's wording). */
  private async post(
    update: unknown,
    stop: AbortSignal,
  ): Promise<{ message: string; retryAfterMs?: number } | undefined> {
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
      const retryAfter = Number(response.headers.get("retry-after") ?? Number.NaN);
      return {
        message: `Wrong response from the webhook: ${response.status} ${response.statusText}`,
        ...(Number.isFinite(retryAfter) &&
          retryAfter > 0 && { retryAfterMs: Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS) }),
      };
    } catch (error) {
      if (timeout.aborted) return { message: "Read timeout expired" };
      return {
        message: `Connection failed: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`,
      };
    }
  }
}
