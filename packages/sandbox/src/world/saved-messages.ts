import type { WorldDocument, WorldMessage } from "./types.ts";

/**
 * Each account's Saved Messages (its chat with itself), kept apart from the chats the Bot API
 * sees: a positive Bot API chat id already means "the user's private chat with the bot". Only
 * the account itself ever sees them. Recordings of group calls arrive here
 * (ct:method/phone.toggleGroupCallRecord).
 */
export class SavedMessages {
  private byAccount = new Map<number, WorldMessage[]>();
  private timers = new Set<NodeJS.Timeout>();

  constructor(private readonly announce: (accountId: number, message: WorldMessage) => void) {}

  /** The account's saved messages, oldest first; ids count from 1 per account. */
  of(accountId: number): WorldMessage[] {
    return [...(this.byAccount.get(accountId) ?? [])];
  }

  count(accountId: number): number {
    return this.byAccount.get(accountId)?.length ?? 0;
  }

  get(accountId: number, messageId: number): WorldMessage | undefined {
    return this.byAccount.get(accountId)?.[messageId - 1];
  }

  /** Saves a file as a message from the account to itself; announced at once. */
  saveDocument(accountId: number, document: WorldDocument, date: number): WorldMessage {
    let list = this.byAccount.get(accountId);
    if (!list) {
      list = [];
      this.byAccount.set(accountId, list);
    }
    const message: WorldMessage = {
      id: list.length + 1,
      chatId: accountId,
      fromUserId: accountId,
      date,
      document,
      editHistory: [],
    };
    list.push(message);
    this.announce(accountId, message);
    return message;
  }

  /**
   * Saves the file `delaySeconds` from now, always on a later turn of the event loop: a server
   * that encodes a recording cannot put it in the answer to the request that stopped it.
   */
  deliverLater(accountId: number, document: WorldDocument, date: number, delaySeconds: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.saveDocument(accountId, document, date + Math.ceil(delaySeconds));
    }, delaySeconds * 1000);
    this.timers.add(timer);
  }

  /** Forgets everything, including deliveries not yet made (a world reload). */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.byAccount.clear();
  }
}
