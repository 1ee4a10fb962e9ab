import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Authorise } from "../auth/authorise-requester.ts";
import type { Clock } from "../clock.ts";
import type { BotKeys } from "../redis/bot-keys.ts";

export interface SetupDeps {
  redis: Redis;
  keys: BotKeys;
  /** The BullMQ prefix, under which the worker publishes who the assistant is. */
  prefix: string;
  /** The calls queue: "Add the assistant" asks the worker to join through it. */
  callsQueue: Queue;
  ownerIds: readonly number[];
  /** Who may set a chat up (createAuthoriser). */
  authorise: Authorise;
  chatCacheSeconds: number;
  clock: Clock;
  logger: Logger;
}
