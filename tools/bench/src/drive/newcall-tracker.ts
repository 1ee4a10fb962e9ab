import { performance } from "node:perf_hooks";
import type { World, WorldMessage } from "@callbot/sandbox";
import type { BenchSeat } from "../world/bench-world.ts";

/** One /newcall as the bench saw it; times are performance.now() milliseconds. */
export interface TrackedRequest {
  seat: BenchSeat;
  sentAt: number;
  /** The user's /newcall message id. */
  messageId: number;
  ackAt?: number;
  ackMessageId?: number;
  ackText?: string;
  finalAt?: number;
  finalText?: string;
}

export type RequestOutcome = "created" | "failed" | "refused" | "lost";

/** The bot's immediate answer to an accepted /newcall (apps/bot renderQueued). */
const QUEUED = "⏳ Queued:";
/** Edits that are not the end yet (a flood wait: "⏳ Telegram asked the assistant to wait…"). */
const INTERIM = "⏳";

/**
 * Follows every /newcall through the sandbox's world events, without polling: the bot's reply
 * to the user's message is the ack ("message"), the edit of that reply into "✅"/"❌" is the
 * end ("messageEdited"). The clock is read inside the event, when the sandbox applies the bot's
 * Bot API call.
 */
export class NewCallTracker {
  private readonly byUserMessage = new Map<string, TrackedRequest>();
  private readonly byAck = new Map<string, TrackedRequest>();
  private readonly settledListeners = new Set<() => void>();
  private unsettled = 0;
  private acked = 0;

  constructor(
    private readonly world: World,
    private readonly botId: number,
  ) {
    world.on("message", this.onMessage);
    world.on("messageEdited", this.onEdit);
  }

  /** Registers a request just sent; call it right after sendText, before yielding to the event loop. */
  track(seat: BenchSeat, sentAt: number, messageId: number): TrackedRequest {
    const request: TrackedRequest = { seat, sentAt, messageId };
    this.byUserMessage.set(key(seat.chatId, messageId), request);
    this.unsettled += 1;
    return request;
  }

  /** Requests sent and not yet acked with a refusal nor edited into a final answer. */
  inFlight(): number {
    return this.unsettled;
  }

  /** Resolves when nothing is in flight, or when `timeoutMs` passes (the rest are then lost). */
  waitUntilSettled(timeoutMs: number): Promise<void> {
    if (this.unsettled === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.settledListeners.delete(check);
        resolve();
      };
      const check = () => {
        if (this.unsettled === 0) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.settledListeners.add(check);
    });
  }

  /** Resolves once `count` requests have been answered (queued or refused), or when `timeoutMs` passes. */
  waitUntilAcked(count: number, timeoutMs: number): Promise<void> {
    if (this.acked >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.acked < count) return;
        done();
      };
      const done = () => {
        clearTimeout(timer);
        this.settledListeners.delete(check);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.settledListeners.add(check);
    });
  }

  /** Resolves as soon as fewer than `limit` requests are in flight. */
  waitForRoom(limit: number): Promise<void> {
    if (this.unsettled < limit) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.unsettled >= limit) return;
        this.settledListeners.delete(check);
        resolve();
      };
      this.settledListeners.add(check);
    });
  }

  close(): void {
    this.world.off("message", this.onMessage);
    this.world.off("messageEdited", this.onEdit);
  }

  private readonly onMessage = (message: WorldMessage) => {
    if (message.fromUserId !== this.botId || message.replyToMessageId === undefined) return;
    const request = this.byUserMessage.get(key(message.chatId, message.replyToMessageId));
    if (!request || request.ackAt !== undefined) return;
    request.ackAt = performance.now();
    request.ackMessageId = message.id;
    request.ackText = message.text ?? "";
    this.acked += 1;
    if (request.ackText.startsWith(QUEUED)) {
      this.byAck.set(key(message.chatId, message.id), request);
      this.notify();
    } else this.settle(); // a refusal is the final answer: nothing was queued
  };

  private readonly onEdit = (message: WorldMessage) => {
    const request = this.byAck.get(key(message.chatId, message.id));
    if (!request || request.finalAt !== undefined) return;
    const text = message.text ?? "";
    if (text.startsWith(INTERIM)) return;
    request.finalAt = performance.now();
    request.finalText = text;
    this.settle();
  };

  private settle(): void {
    this.unsettled -= 1;
    this.notify();
  }

  /** Every waiter checks its own condition. */
  private notify(): void {
    for (const listener of [...this.settledListeners]) listener();
  }
}

export function outcomeOf(request: TrackedRequest): RequestOutcome {
  if (request.ackText !== undefined && !request.ackText.startsWith(QUEUED)) return "refused";
  if (request.finalText === undefined) return "lost";
  return request.finalText.startsWith("✅") ? "created" : "failed";
}

function key(chatId: number, messageId: number): string {
  return `${chatId}:${messageId}`;
}
