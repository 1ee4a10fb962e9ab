import { accountCallsQueueName, formatWait, readAssistantRegistry } from "@callbot/shared";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { accountCallQueue } from "../calls/account-call-queues.ts";
import { assistantEntryName } from "./known-assistants.ts";

/**
 * /status's lines about each assistant account, when there are several: its state, a flood wait
 * in force, and the jobs in its own queue. Empty with one account (or none registered): the
 * rest of /status already says everything then.
 */
export async function describeAccounts(
  callsQueue: Queue,
  redis: Redis,
  prefix: string,
  now: number,
): Promise<string[]> {
  const view = await readAssistantRegistry(redis, prefix);
  if (view.entries.length + view.lapsed.length < 2) return [];
  const lines = ["", "Assistant accounts:"];
  for (const entry of view.entries) {
    // Made once per account, on the calls queue's connection (account-call-queues.ts); one of
    // its own only when the calls queue was given connection options.
    const shared = accountCallQueue(callsQueue, entry.accountId);
    const queue = shared ?? new Queue(accountCallsQueueName(entry.accountId), { connection: redis, prefix });
    try {
      const counts = await queue.getJobCounts("waiting", "prioritized", "active");
      const held = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.active ?? 0);
      const name = assistantEntryName(entry);
      const state =
        entry.state === "online" ? "online" : entry.state === "session-dead" ? "session ended" : "stopped";
      const flood =
        entry.floodWaitUntil !== undefined && entry.floodWaitUntil > now
          ? `, waiting out a flood (${formatWait(Math.ceil((entry.floodWaitUntil - now) / 1000))} left)`
          : "";
      lines.push(`• ${name}: ${state}${flood}; ${held} request(s) waiting or running in its queue.`);
    } finally {
      if (shared === undefined) await queue.close();
    }
  }
  for (const accountId of view.lapsed) {
    lines.push(
      `• account ${accountId}: not heard from for 30 s (crashed or cut off); its waiting work moves to the others.`,
    );
  }
  return lines;
}
