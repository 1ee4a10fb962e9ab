import type { MethodFloodProfile } from "./world-settings.ts";

/**
 * Per-method flood limits of MTProto accounts, as Telegram applies them: each method has its own
 * budget per account, and a wait on one method leaves the others alone (core.telegram.org/api/errors,
 * 420 FLOOD_WAIT_X: "the request must be repeated after X seconds"; waits of 250-420 s and up to
 * 11,499 s on contacts.resolveUsername and messages.getDialogs are reported in vysheng/tg#1081 and
 * gram-js/gramjs issues). The budget itself is an ASSUMPTION (Telegram publishes none), so each
 * profile is a World setting (`methodFloods`).
 *
 * A profile allows `requests` requests per `perSeconds`; the next one starts a wait of
 * `waitSeconds`, during which every request of that method gets FLOOD_WAIT_<seconds left>.
 * After the wait the budget starts afresh.
 */
export class MethodFloodMeter {
  /** `${account}:${method}` -> the times (ms) of recent requests, and the end of a running wait. */
  private usage = new Map<string, { sentAt: number[]; waitUntilMs: number }>();

  /** Seconds the account must wait before sending `method`, or undefined when it may send. */
  take(profile: MethodFloodProfile | undefined, accountId: number, method: string, nowMs: number) {
    if (!profile) return undefined;
    const key = `${accountId}:${method}`;
    const entry = this.usage.get(key) ?? { sentAt: [], waitUntilMs: 0 };
    this.usage.set(key, entry);
    if (nowMs < entry.waitUntilMs) return Math.ceil((entry.waitUntilMs - nowMs) / 1000);
    entry.sentAt = entry.sentAt.filter((at) => at > nowMs - profile.perSeconds * 1000);
    if (entry.sentAt.length >= profile.requests) {
      entry.waitUntilMs = nowMs + profile.waitSeconds * 1000;
      entry.sentAt = [];
      return profile.waitSeconds;
    }
    entry.sentAt.push(nowMs);
    return undefined;
  }

  clear(): void {
    this.usage.clear();
  }
}
