import { settleWithin } from "@callbot/shared";
import type { Logger } from "pino";
import { type ResultsPublisher, resultJobIds } from "../results/results-publisher.ts";

export interface LockLostAlert {
  /** "retaken": the lock lapsed and this worker took it back; "stopped": this worker gave the account up. */
  lockOutcome: "retaken" | "stopped";
  runId: string;
  /** The how-manieth loss in this run: each is alerted once. */
  count: number;
  now: () => number;
}

/** Tells the owners (through the bot) what happened to the account lock. Never throws. */
export async function alertLockLost(
  publisher: ResultsPublisher,
  alert: LockLostAlert,
  logger: Logger,
): Promise<void> {
  // Bounded: with Redis unreachable the alert cannot go, and stopping must not wait for it.
  const sent = await settleWithin(
    publisher.publish(
      {
        v: 1,
        kind: "worker-alert",
        alert: "account-lock-lost",
        lockOutcome: alert.lockOutcome,
        at: alert.now(),
      },
      resultJobIds.lockLost(alert.runId, alert.count),
    ),
    5_000,
    "the owners' alert about the account lock",
    logger,
  );
  if (!sent) logger.error("could not alert the owners about the account lock (Redis unreachable)");
}
