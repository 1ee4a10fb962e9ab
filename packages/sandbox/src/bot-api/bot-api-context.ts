import type { World } from "../world/world.ts";
import type { BotApiAvailability } from "./bot-api-availability.ts";
import type { BotCommandStore } from "./bot-commands.ts";
import type { CallbackQueries } from "./callback-queries.ts";
import type { RequestParams } from "./request-params.ts";
import type { SendRateLimiter } from "./send-rate-limiter.ts";
import type { UpdateQueue } from "./update-queue.ts";
import type { WebhookDelivery, WebhookRetryPolicy } from "./webhook-delivery.ts";

/** What every Bot API method implementation may use; one per server. */
export interface BotApiState {
  world: World;
  updates: UpdateQueue;
  callbacks: CallbackQueries;
  commands: BotCommandStore;
  /** undefined when rate limits are off. */
  rateLimiter: SendRateLimiter | undefined;
  webhookRetry: WebhookRetryPolicy;
  webhook: WebhookDelivery | undefined;
  /** Switched off by the control API to simulate an outage. */
  availability: BotApiAvailability;
}

export interface BotApiCall {
  params: RequestParams;
  /** Aborts when the client goes away (a held getUpdates stops waiting). */
  signal: AbortSignal;
}

export type BotApiMethod = (state: BotApiState, call: BotApiCall) => unknown | Promise<unknown>;
