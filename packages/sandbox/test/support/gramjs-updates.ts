import { Api, type TelegramClient } from "telegram";
import { Raw } from "telegram/events/index.js";

/** Collects every update a client's event loop dispatches, and waits for one matching a predicate. */
export class UpdateRecorder {
  readonly received: Api.TypeUpdate[] = [];
  private waiters: { match: (u: Api.TypeUpdate) => boolean; resolve: (u: Api.TypeUpdate) => void }[] = [];

  constructor(client: TelegramClient) {
    client.addEventHandler((update: Api.TypeUpdate) => {
      if (
        !(
          update instanceof Api.UpdateGroupCall ||
          update instanceof Api.UpdateNewChannelMessage ||
          update instanceof Api.UpdateNewMessage
        )
      ) {
        return;
      }
      this.received.push(update);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(update)) return true;
        waiter.resolve(update);
        return false;
      });
    }, new Raw({}));
  }

  waitFor<T extends Api.TypeUpdate>(match: (u: Api.TypeUpdate) => u is T, timeoutMs?: number): Promise<T>;
  waitFor(match: (u: Api.TypeUpdate) => boolean, timeoutMs?: number): Promise<Api.TypeUpdate>;
  waitFor(match: (u: Api.TypeUpdate) => boolean, timeoutMs = 5000): Promise<Api.TypeUpdate> {
    const already = this.received.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching update within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (update) => {
          clearTimeout(timer);
          resolve(update);
        },
      });
    });
  }
}
