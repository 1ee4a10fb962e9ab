import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * Version 1 of the operators' list (OWNER_IDS) as the bot publishes it in Redis for the worker.
 *
 * The worker checks a requester's rights again when a job waited or comes from a recurring rule;
 * operators are allowed everywhere by the bot, so that check must know who they are. The bot is
 * the one place OWNER_IDS is configured: it writes this record at start and keeps it fresh, and
 * the worker reads it when it re-checks, so an operator removed from OWNER_IDS loses the power
 * as soon as the bot restarts, also for recurring rules made long ago. (A flag stored in each job
 * would keep it for as long as the rule lives; a second OWNER_IDS in the worker's own config
 * could silently disagree with the bot's.)
 */
export const OperatorsRecordSchema = z.object({
  v: z.literal(1),
  userIds: z.array(z.number().int().positive()),
  /** Unix milliseconds. */
  updatedAt: z.number().int().positive(),
});
export type OperatorsRecord = z.infer<typeof OperatorsRecordSchema>;

export function operatorsKey(prefix: string): string {
  return `${prefix}:operators`;
}

/** Kept without a lifetime: the list stays true while the bot is down, and is rewritten at its start. */
export async function writeOperators(
  redis: Pick<Redis, "set">,
  prefix: string,
  userIds: readonly number[],
  now: number,
): Promise<void> {
  const record = OperatorsRecordSchema.parse({ v: 1, userIds: [...userIds], updatedAt: now });
  await redis.set(operatorsKey(prefix), JSON.stringify(record));
}

/**
 * The operators' user ids; empty when no bot ever published them or the record does not fit the
 * schema: nobody gets operator powers by mistake. Redis errors are thrown (the caller's retry
 * decides), because "no operators" would refuse an operator's request for good.
 */
export async function readOperators(redis: Pick<Redis, "get">, prefix: string): Promise<readonly number[]> {
  const raw = await redis.get(operatorsKey(prefix));
  if (raw === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return [];
  }
  const record = OperatorsRecordSchema.safeParse(parsed);
  return record.success ? record.data.userIds : [];
}
