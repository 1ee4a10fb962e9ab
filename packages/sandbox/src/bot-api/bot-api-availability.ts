import { EventEmitter } from "node:events";

/**
 * Whether the Bot API answers at all. While it is down the HTTP server drops every connection
 * (new ones are destroyed on accept, held long polls are cut), so clients see the network
 * errors a Bot API or network outage gives them, not an HTTP answer. Switched by the control API.
 */
export class BotApiAvailability extends EventEmitter<{ down: [] }> {
  private downUntil: number | undefined;

  /** Down for `ms` (back by itself afterwards), or until up() when ms is absent. */
  down(ms?: number): void {
    this.downUntil = ms === undefined ? Number.POSITIVE_INFINITY : Date.now() + ms;
    this.emit("down");
  }

  up(): void {
    this.downUntil = undefined;
  }

  isDown(): boolean {
    if (this.downUntil === undefined) return false;
    if (Date.now() < this.downUntil) return true;
    this.downUntil = undefined;
    return false;
  }
}
