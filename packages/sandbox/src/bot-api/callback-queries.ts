export interface CallbackAnswer {
  text?: string;
  showAlert?: boolean;
  url?: string;
}

interface Waiting {
  resolve: (answer: CallbackAnswer) => void;
  /** Unix ms after which an answer is too late. */
  expiresAt: number;
}

/** Button presses waiting for the bot's answerCallbackQuery. */
export class CallbackQueries {
  private counter = 0;
  private waiting = new Map<string, Waiting>();

  constructor(
    private readonly idPrefix: string,
    /** How long a query may be answered (the world's callbackQueryTimeoutSeconds). */
    private readonly timeoutMs: () => number = () => Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {}

  create(): { id: string; answer: Promise<CallbackAnswer> } {
    this.counter += 1;
    const id = `${this.idPrefix}${this.counter}`;
    const expiresAt = this.now() + this.timeoutMs();
    const answer = new Promise<CallbackAnswer>((resolve) => this.waiting.set(id, { resolve, expiresAt }));
    return { id, answer };
  }

  /** false when the id is unknown, already answered, or its time to be answered is over. */
  answer(id: string, answer: CallbackAnswer): boolean {
    const waiting = this.waiting.get(id);
    if (!waiting) return false;
    this.waiting.delete(id);
    if (this.now() > waiting.expiresAt) return false;
    waiting.resolve(answer);
    return true;
  }
}
