import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * What an assistant account may do in one chat, as last learnt: the bot asks the Bot API
 * (getChatMember(chat, account) for each known assistant), /setup learns it while it checks a
 * chat, and a worker learns it when Telegram accepts or refuses its request there.
 * - "owner": the chat's creator; the only one Telegram lets create a livestream (RTMP);
 * - "admin": an admin with "Manage video chats";
 * - "none": anything else (a member, an admin without the right, not in the chat, banned).
 */
export const AssistantRightsSchema = z.enum(["owner", "admin", "none"]);
export type AssistantRights = z.infer<typeof AssistantRightsSchema>;

const RightsFactSchema = z.object({ rights: AssistantRightsSchema, at: z.number().int().positive() });

/**
 * How long a learnt fact is trusted. Short, so that an admin made or removed in Telegram is
 * seen within minutes; long enough that a burst of requests for one chat costs one look-up
 * per assistant.
 */
export const ASSISTANT_RIGHTS_TTL_MS = 5 * 60_000;

/** One hash per chat: account id -> { rights, at }. The hash expires with its newest fact. */
export function assistantRightsKey(prefix: string, chatId: number): string {
  return `${prefix}:assistant-rights:${chatId}`;
}

/** Records what `accountId` may do in `chatId`, learnt now. */
export async function recordAssistantRights(
  redis: Pick<Redis, "multi">,
  prefix: string,
  chatId: number,
  facts: ReadonlyArray<{ accountId: number; rights: AssistantRights }>,
  now: number,
): Promise<void> {
  if (facts.length === 0) return;
  const key = assistantRightsKey(prefix, chatId);
  const write = redis.multi();
  for (const fact of facts)
    write.hset(key, String(fact.accountId), JSON.stringify({ rights: fact.rights, at: now }));
  await write.pexpire(key, ASSISTANT_RIGHTS_TTL_MS).exec();
}

/** The facts about `chatId` younger than ASSISTANT_RIGHTS_TTL_MS, by account id; unknown accounts are absent. */
export async function readAssistantRights(
  redis: Pick<Redis, "hgetall">,
  prefix: string,
  chatId: number,
  now: number,
): Promise<Map<number, AssistantRights>> {
  const raw = await redis.hgetall(assistantRightsKey(prefix, chatId));
  const known = new Map<number, AssistantRights>();
  for (const [field, value] of Object.entries(raw)) {
    try {
      const fact = RightsFactSchema.safeParse(JSON.parse(value));
      if (fact.success && now - fact.data.at < ASSISTANT_RIGHTS_TTL_MS)
        known.set(Number(field), fact.data.rights);
    } catch {
      // A corrupt fact is as good as none: it is learnt again.
    }
  }
  return known;
}

/** Whether `rights` let the account make the call: a livestream needs the chat's owner. */
export function rightsAllow(rights: AssistantRights | undefined, rtmp: boolean): boolean {
  return rtmp ? rights === "owner" : rights === "owner" || rights === "admin";
}
