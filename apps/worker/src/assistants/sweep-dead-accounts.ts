import type { RegistryMemory } from "@callbot/shared";
import type { Job } from "bullmq";
import { WAITING_STATES } from "../session/session-death.ts";
import { type FailOverDeps, failOverJob } from "./fail-over-job.ts";

export interface SweepDeps extends FailOverDeps {
  /** This worker's account. */
  accountId: number;
  /** The worker's memory of the registry, which each pass renews. */
  registry: RegistryMemory;
}

/** How long one worker holds the right to empty a dead account's queue. */
const CLAIM_MS = 30_000;

export function failoverClaimKey(prefix: string, accountId: number): string {
  return `${prefix}:failover:${accountId}`;
}

/**
 * One pass over the accounts that stopped taking work without handing it on: those whose
 * registration lapsed (the worker crashed, or lost Redis, for three heartbeats) and those whose
 * session died. Their waiting jobs for chats where an online account is eligible move to it, and
 * so do the jobs a crashed worker held when it died: nobody else takes that account's queue, so
 * BullMQ's stalled-job check (run by a queue's own workers) would never free them. A job whose
 * lock is still held is being run and stays (BullMQ refuses to remove a locked job)
 * (failOverJob); the rest stay, for that account's return or its own session-death report. One
 * worker at a time empties a given account (a claim with a lifetime), and every online worker
 * runs the pass at its heartbeat, so the work moves within a heartbeat of the lapse.
 * The pass reads the registry from Redis and leaves that read in `registry`, so that the intake
 * router stops choosing an account this pass found dead (its memory is never older than a pass).
 * Returns how many jobs moved.
 */
export async function sweepDeadAccounts(deps: SweepDeps): Promise<number> {
  const view = await deps.registry.readNow();
  const dead = [
    ...view.lapsed,
    ...view.entries.filter((entry) => entry.state === "session-dead").map((entry) => entry.accountId),
  ].filter((id) => id !== deps.accountId);
  let moved = 0;
  for (const accountId of dead) {
    const queue = deps.queues.of(accountId);
    const states = [...WAITING_STATES, "active"] as const;
    const counts = await queue.getJobCounts(...states);
    if (Object.values(counts).every((count) => count === 0)) continue;
    const claim = failoverClaimKey(deps.prefix, accountId);
    if ((await deps.redis.set(claim, String(deps.accountId), "PX", CLAIM_MS, "NX")) !== "OK") continue;
    // The claim only saves work: two workers moving the same job is harmless (the second's
    // remove fails, and the same job id adds nothing).
    try {
      const jobs: Job[] = await queue.getJobs([...states]);
      for (const job of jobs) if (await failOverJob(job, accountId, deps)) moved += 1;
    } finally {
      await deps.redis.del(claim);
    }
  }
  return moved;
}

/** Runs sweepDeadAccounts every `everyMs` (never two passes at once); returns the stop. */
export function startDeadAccountSweep(deps: SweepDeps, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepDeadAccounts(deps)
      .catch((error: unknown) => deps.logger.warn({ err: error }, "could not look for dead accounts' work"))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
