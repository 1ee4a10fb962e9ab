import { type Readiness, readinessOf } from "@callbot/shared";
import type { SessionState } from "./worker-metrics.ts";

export interface WorkerReadinessFacts {
  /** The account lock is this process's. */
  lockHeld: boolean;
  session: SessionState;
  /** Connected to Telegram right now (gramjs reconnects by itself after a drop). */
  connected: boolean;
  /** Unix ms until which Telegram told the account to wait; 0 or past when it need not. */
  floodWaitUntil: number;
  now: number;
}

/**
 * Ready to take work: holding the account lock, the session logged in and connected, and no
 * flood wait in force. A flood wait's end is in the body, so that an operator sees when the
 * worker takes work again.
 */
export function workerReadiness(facts: WorkerReadinessFacts): Readiness {
  const floodWaitInForce = facts.floodWaitUntil > facts.now;
  return readinessOf(
    {
      accountLock: facts.lockHeld || "not holding the account lock (taking it, or another worker holds it)",
      session: facts.session === "online" || `the session is ${facts.session}`,
      telegram: facts.connected || "not connected to Telegram",
      floodWait:
        !floodWaitInForce ||
        `Telegram told the account to wait until ${new Date(facts.floodWaitUntil).toISOString()}`,
    },
    floodWaitInForce ? { floodWaitUntil: new Date(facts.floodWaitUntil).toISOString() } : undefined,
  );
}
