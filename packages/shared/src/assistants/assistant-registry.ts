import type { Redis } from "ioredis";
import { z } from "zod";
import { WORKER_STATUS_TTL_MS, WorkerStateSchema } from "../contract/worker-status.ts";

/**
 * Version 1 of one assistant account's registration: every worker (one per account) writes its
 * own, so that the bot and the other workers know which accounts exist, which can take work now,
 * how busy each is and which one waits out a flood. Key: assistantEntryKey(prefix, accountId);
 * the account ids ever registered are the set assistantsIndexKey(prefix).
 *
 * How long an entry is kept says what it means, as for WorkerStatus: "online" lives
 * WORKER_STATUS_TTL_MS and is renewed by the worker's heartbeat, so a worker that crashed or lost
 * Redis disappears by itself (its registration lapses); "session-dead" and "stopped" are kept
 * until that account's worker is online again.
 */
export const AssistantEntrySchema = z.object({
  v: z.literal(1),
  accountId: z.number().int().positive(),
  /** Public username without "@", for messages that name the account. */
  username: z.string().min(1).optional(),
  firstName: z.string().optional(),
  state: WorkerStateSchema,
  /** For session-dead: the Telegram error that said so (AUTH_KEY_UNREGISTERED, SESSION_REVOKED, ...). */
  errorName: z.string().min(1).optional(),
  /** Unix ms until which Telegram told this account to wait; absent when it need not. */
  floodWaitUntil: z.number().int().positive().optional(),
  /** Jobs this account's worker is running right now. */
  running: z.number().int().nonnegative(),
  /** Unix ms of this record. */
  updatedAt: z.number().int().positive(),
});
export type AssistantEntry = z.infer<typeof AssistantEntrySchema>;

export function assistantsIndexKey(prefix: string): string {
  return `${prefix}:assistants`;
}

export function assistantEntryKey(prefix: string, accountId: number): string {
  return `${prefix}:assistant:${accountId}`;
}

/**
 * Stores `entry` with the lifetime its state calls for, and adds the account to the index. An
 * "online" entry lives `onlineTtlMs` (three of the writer's heartbeats).
 */
export async function writeAssistantEntry(
  redis: Pick<Redis, "multi">,
  prefix: string,
  entry: AssistantEntry,
  onlineTtlMs: number = WORKER_STATUS_TTL_MS,
): Promise<void> {
  const value = JSON.stringify(AssistantEntrySchema.parse(entry));
  const key = assistantEntryKey(prefix, entry.accountId);
  const write = redis.multi().sadd(assistantsIndexKey(prefix), String(entry.accountId));
  if (entry.state === "online") write.set(key, value, "PX", onlineTtlMs);
  else write.set(key, value);
  await write.exec();
}

/** What the registry says about every account ever registered under this prefix. */
export interface AssistantRegistryView {
  /** Accounts whose worker has a registration now (online, session-dead or stopped). */
  entries: AssistantEntry[];
  /** Accounts registered once whose "online" ran out: their worker crashed or lost Redis. */
  lapsed: number[];
}

/**
 * Reads every account's registration in two round trips (the index, then the entries). Entries
 * that do not fit the schema count as lapsed. Redis errors are thrown: callers decide what an
 * unknown registry means to them.
 */
export async function readAssistantRegistry(
  redis: Pick<Redis, "smembers" | "mget">,
  prefix: string,
): Promise<AssistantRegistryView> {
  const ids = (await redis.smembers(assistantsIndexKey(prefix)))
    .map(Number)
    .filter((id) => Number.isSafeInteger(id) && id > 0)
    .sort((a, b) => a - b);
  if (ids.length === 0) return { entries: [], lapsed: [] };
  const raws = await redis.mget(...ids.map((id) => assistantEntryKey(prefix, id)));
  const entries: AssistantEntry[] = [];
  const lapsed: number[] = [];
  ids.forEach((id, i) => {
    const entry = parseEntry(raws[i] ?? null);
    if (entry) entries.push(entry);
    else lapsed.push(id);
  });
  return { entries, lapsed };
}

function parseEntry(raw: string | null): AssistantEntry | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = AssistantEntrySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The accounts that take work now. */
export function onlineAssistants(view: AssistantRegistryView): AssistantEntry[] {
  return view.entries.filter((entry) => entry.state === "online");
}
