export interface CallbackAnswer {
  text?: string;
  showAlert?: boolean;
  url?: string;
}

/** Button presses waiting for the bot's answerCallbackQuery. */
export class CallbackQueries {
  private counter = 0;
  private waiting = new Map<string, (answer: CallbackAnswer) => void>();

  constructor(private readonly idPrefix: string) {}

  create(): { id: string; answer: Promise<CallbackAnswer> } {
    this.counter += 1;
    const id = `${this.idPrefix}${this.counter}`;
    const answer = new Promise<CallbackAnswer>((resolve) => this.waiting.set(id, resolve));
    return { id, answer };
  }

  /** false when the id is unknown or already answered. */
  answer(id: string, answer: CallbackAnswer): boolean {
    const resolve = this.waiting.get(id);
    if (!resolve) return false;
    this.waiting.delete(id);
    resolve(answer);
    return true;
  }
}
