import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import { knownChats } from "../newcall/known-chats-store.ts";
import { recurringRulesStore } from "../recurring/recurring-rules-store.ts";
import { botKeys } from "../redis/bot-keys.ts";
import { moveQueuedJobs } from "./move-queued-jobs.ts";

/** Moves everything callbot keeps about a chat from its old id to its new one. */
export type FollowChatMigration = (oldChatId: number, newChatId: number) => Promise<void>;

export interface ChatMigrationDeps {
  redis: Redis;
  prefix: string;
  registry: CallsRegistry;
  callsQueue: Queue;
  logger: Logger;
}

/**
 * A basic group upgraded to a supergroup gets a new id, and Telegram refuses the old one ("group
 * chat was upgraded to a supergroup chat"). Callbot learns it from the migrate_to_chat_id service
 * message, or from that refusal when a report is delivered, and follows the new id everywhere:
 * the calls registry, recurring rules (and their job schedulers), the known chats, and jobs not
 * started yet, so their reports reach the requester in the supergroup. Every step is idempotent:
 * learning the same migration twice changes nothing more.
 */
export function chatMigrationFollower(deps: ChatMigrationDeps): FollowChatMigration {
  const rules = recurringRulesStore({
    redis: deps.redis,
    prefix: deps.prefix,
    callsQueue: deps.callsQueue,
    logger: deps.logger,
  });
  const known = knownChats(deps.redis, botKeys(deps.prefix));
  return async (oldChatId, newChatId) => {
    await deps.registry.moveChat(oldChatId, newChatId);
    await rules.moveChat(oldChatId, newChatId);
    await known.moveChat(oldChatId, newChatId);
    const jobs = await moveQueuedJobs(deps.callsQueue, oldChatId, newChatId);
    deps.logger.info(
      { oldChatId, newChatId, jobs },
      "a group was upgraded to a supergroup: callbot follows its new id",
    );
  };
}
