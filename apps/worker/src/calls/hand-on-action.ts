import type { Job } from "bullmq";
import { ACCOUNT_WIDE } from "../telegram/flood-gate.ts";
import type { CallErrorDeps } from "./handle-call-error.ts";
import { failureCategory, readTelegramFailure } from "./read-telegram-failure.ts";

export interface HandOnDeps extends CallErrorDeps {
  /**
   * Gives a call action to another account that may run it now (handOnRunningAction); the
   * account, or undefined. Absent with one account: the usual error handling.
   */
  handOn?: (job: Job) => Promise<number | undefined>;
}

/**
 * When a call action meets this account's own trouble (its session died, or Telegram asked it
 * to wait), another eligible account may do it at once: Start now, End, Rename and Invite link
 * act on the chat's call, which any admin with "Manage video chats" may manage. Returns the
 * account it went to, after doing what this account must do anyway (the session's death is
 * declared, so the operators are told and its waiting work moves; the flood's gate closes, so its
 * other work waits); undefined when it stays here, for handleCallError.
 */
export async function handOnAction(error: unknown, job: Job, deps: HandOnDeps): Promise<number | undefined> {
  if (!deps.handOn) return undefined;
  const facts = readTelegramFailure(error);
  const category = failureCategory(facts);
  if (category !== "session" && category !== "flood") return undefined;
  const to = await deps.handOn(job);
  if (to === undefined) return undefined;
  if (category === "session") {
    deps.sessionDeath.declare(facts.errorName);
  } else {
    const seconds = Math.max(1, Math.ceil(facts.seconds ?? 1));
    const scope = facts.floodScope ?? ACCOUNT_WIDE;
    deps.floodGate.close(seconds, scope);
    if (scope === ACCOUNT_WIDE) await deps.rateLimitQueue(deps.floodGate.secondsLeft() * 1000);
  }
  deps.logger.warn(
    { jobId: job.id, errorName: facts.errorName, category, to },
    "this account could not run the call action; another account runs it",
  );
  return to;
}
