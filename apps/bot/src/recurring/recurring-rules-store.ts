import {
  CALL_JOB_NAMES,
  type CallsQueue,
  callsJobTemplate,
  firstOccurrenceJobId,
  type RecurringRule,
  RecurringRuleSchema,
  schedulerPatternFor,
} from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { movedToChat } from "../chats/move-queued-jobs.ts";
import { parseStoredJson } from "../redis/parse-stored-json.ts";

/**
 * Recurring rules: the BullMQ job scheduler on the calls queue is what fires (id = ruleId); Redis
 * keeps a copy of each rule and an index per chat so that /calls can list a chat's rules
 * without scanning every scheduler of the queue.
 *
 * Keys (under the bot's prefix, no TTL: a rule lives until it is removed, and a chat holds at most
 * MAX_RULES_PER_CHAT of them):
 *   <prefix>:bot:recurring:rule:<ruleId>   the rule as JSON
 *   <prefix>:bot:recurring:chat:<chatId>   set of the chat's rule ids
 *   <prefix>:bot:recurring:chats           set of chat ids that have rules
 */
export interface RecurringRulesStore {
  /** Creates or replaces the rule's job scheduler, then indexes the rule. */
  save(rule: RecurringRule): Promise<void>;
  /** The chat's rules, oldest first. */
  list(chatId: number): Promise<RecurringRule[]>;
  get(ruleId: string): Promise<RecurringRule | undefined>;
  /** Removes the job scheduler and the rule; false when there was no such rule (or another removal got there first). */
  remove(ruleId: string): Promise<boolean>;
  /** Chats that have at least one rule. */
  chatIds(): Promise<number[]>;
  /** A basic group became a supergroup: its rules (and their job schedulers) now create calls there. */
  moveChat(oldChatId: number, newChatId: number): Promise<void>;
}

/** A chat cannot collect rules without bound (and /calls must stay readable). */
export const MAX_RULES_PER_CHAT = 10;

export function recurringRulesStore(deps: {
  redis: Redis;
  prefix: string;
  callsQueue: CallsQueue;
  /** Where a corrupt rule is reported (it is skipped either way). */
  logger?: Logger;
}): RecurringRulesStore {
  const base = `${deps.prefix}:bot:recurring`;
  const ruleKey = (ruleId: string) => `${base}:rule:${ruleId}`;
  const chatKey = (chatId: number) => `${base}:chat:${chatId}`;
  const chatsKey = `${base}:chats`;
  const queue = deps.callsQueue;

  const get = async (ruleId: string) => {
    const key = ruleKey(ruleId);
    return parseStoredJson(await deps.redis.get(key), {
      key,
      schema: RecurringRuleSchema,
      ...(deps.logger && { logger: deps.logger }),
    });
  };

  return {
    async save(rule) {
      await queue.upsertJobScheduler(
        rule.ruleId,
        schedulerPatternFor(rule),
        callsJobTemplate(CALL_JOB_NAMES.recurringOccurrence, rule),
      );
      await deps.redis
        .multi()
        .set(ruleKey(rule.ruleId), JSON.stringify(rule))
        .sadd(chatKey(rule.target.chatId), rule.ruleId)
        .sadd(chatsKey, String(rule.target.chatId))
        .exec();
    },
    async list(chatId) {
      const ids = await deps.redis.smembers(chatKey(chatId));
      const rules = await Promise.all(ids.map(get));
      return rules
        .filter((rule): rule is RecurringRule => rule !== undefined)
        .sort((a, b) => a.createdAt - b.createdAt);
    },
    get,
    async remove(ruleId) {
      const rule = await get(ruleId);
      const removedScheduler = await queue.removeJobScheduler(ruleId);
      // A first occurrence still waiting to run goes too (a running one finishes: it is a call already asked for).
      await queue.remove(firstOccurrenceJobId(ruleId)).catch(() => 0);
      if (!rule) return removedScheduler;
      const chat = chatKey(rule.target.chatId);
      const done = await deps.redis.multi().del(ruleKey(ruleId)).srem(chat, ruleId).exec();
      if ((await deps.redis.scard(chat)) === 0) await deps.redis.srem(chatsKey, String(rule.target.chatId));
      // Of two removals at once, only the one whose DEL found the rule reports it removed.
      return done?.[0]?.[1] === 1;
    },
    async chatIds() {
      return (await deps.redis.smembers(chatsKey)).map(Number);
    },
    async moveChat(oldChatId, newChatId) {
      for (const rule of await this.list(oldChatId)) await this.save(movedToChat(rule, oldChatId, newChatId));
      await deps.redis.multi().del(chatKey(oldChatId)).srem(chatsKey, String(oldChatId)).exec();
    },
  };
}
