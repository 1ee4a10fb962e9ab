import { randomUUID } from "node:crypto";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * Ends a guided /newcall that got no answer for `timeoutMs`: clears the conversation's stored
 * state, takes the buttons off the last question and says that nothing was created.
 *
 * Why a timer of our own: the conversations plugin only notices an expired wait when the next
 * update arrives, so without this the user would never hear that the flow ended. The timer lives
 * in this process; the Redis deadline key (and the conversation state's TTL) are the back-up that
 * clears the state if the process stops before the timer fires.
 *
 * Keys: <prefix>:bot:guided:deadline:<chatId> (a token, expires a little after the timeout).
 */
export class GuidedFlowWatchdog {
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      redis: Redis;
      prefix: string;
      /** Where the conversations plugin keeps a chat's state (so it can be cleared on time-out). */
      conversationKey: (chatId: number) => string;
      timeoutMs: number;
      logger: Logger;
    },
  ) {}

  deadlineKey(chatId: number): string {
    return `${this.deps.prefix}:bot:guided:deadline:${chatId}`;
  }

  /** (Re)starts the clock for a chat after a question was sent. */
  async arm(api: Api, chatId: number, promptMessageId: number): Promise<void> {
    const token = randomUUID();
    await this.deps.redis.set(this.deadlineKey(chatId), token, "PX", this.deps.timeoutMs + 60_000);
    this.clearTimer(chatId);
    const timer = setTimeout(() => {
      this.timers.delete(chatId);
      this.expire(api, chatId, promptMessageId, token).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, chatId }, "could not end a timed-out guided /newcall");
      });
    }, this.deps.timeoutMs);
    // A pending time-out must not keep a stopping process alive; the Redis TTLs clear the rest.
    timer.unref();
    this.timers.set(chatId, timer);
  }

  /**
   * Stops the clock. Returns false when the flow had already timed out (its deadline is gone):
   * the caller must then not act on the answer, since the user was told nothing was created.
   */
  async disarm(chatId: number): Promise<boolean> {
    this.clearTimer(chatId);
    return (await this.deps.redis.del(this.deadlineKey(chatId))) === 1;
  }

  /** Stops every timer (shutdown); the flows' state expires in Redis. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private clearTimer(chatId: number): void {
    const timer = this.timers.get(chatId);
    if (timer) clearTimeout(timer);
    this.timers.delete(chatId);
  }

  private async expire(api: Api, chatId: number, promptMessageId: number, token: string): Promise<void> {
    // Only if no answer re-armed or ended the flow meanwhile: the token must still be ours.
    const expired = (await this.deps.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) return 1 end return 0",
      2,
      this.deadlineKey(chatId),
      this.deps.conversationKey(chatId),
      token,
    )) as number;
    if (expired !== 1) return;
    await api.editMessageReplyMarkup(chatId, promptMessageId).catch(() => undefined);
    await api.sendMessage(
      chatId,
      "⌛ The guided /newcall timed out; nothing was created. Send /newcall to start again.",
      // The chat picker's reply keyboard may still be open.
      { reply_markup: { remove_keyboard: true } },
    );
  }
}
