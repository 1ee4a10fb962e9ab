import { type RegistryMemory, readCallsJob, rememberChatAssistant, routeToAssistant } from "@callbot/shared";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { DEFAULT_PLANNED_HOP_MS, plannedJobGate } from "../calls/recurring-wait.ts";
import type { CallsJobProcessor } from "../calls/route-calls-job.ts";
import type { AccountQueues } from "./account-queues.ts";
import { copyJobTo } from "./move-job.ts";
import { routingOfJob } from "./routing-of-job.ts";

export interface IntakeRouterDeps {
  redis: Redis;
  prefix: string;
  /** This worker's account. */
  accountId: number;
  queues: AccountQueues;
  /**
   * The account registry as this worker remembers it: with one account online, routing a job
   * costs no read of it (readForChoice). The worker forgets it when its own account floods or dies.
   */
  registry: RegistryMemory;
  /** Runs a job here (route-calls-job.ts). */
  runHere: CallsJobProcessor;
  /** Unix ms until which Telegram told this account to wait, or 0. */
  floodWaitUntil: () => number;
  logger: Logger;
  now: () => number;
  /** An early planned call's job waits here, in hops of at most this long. @defaultValue 1 h */
  plannedHopMs?: number;
}

/** What the shared queue keeps as the return value of a job handed to an account's queue. */
export interface ForwardedSummary {
  forwardedTo: number;
}

/** A planned call the bot cancelled or moved, finished in the intake without creating anything. */
export interface WithdrawnSummary {
  withdrawn: true;
}

/**
 * The processor of the shared calls queue, the intake every worker drains (the bot, recurring
 * rules and auto-starts add there; so did every earlier release). With several accounts online,
 * a chat's job goes to the queue of the account chooseAssistant picks (rights in the chat, not in
 * a flood, sticky per chat, least work: the jobs waiting and running in its queue), where only
 * its worker takes it; this account's own included, so that every account's work shows in its
 * queue. With one account online (or none known to be eligible) it runs here, as a
 * single-account deployment always did; while this account waits out a flood, those go to its
 * own queue, which BullMQ holds with the flood's rate limit, instead of being taken and put back
 * over and over.
 */
export function routeIntakeJob(deps: IntakeRouterDeps): CallsJobProcessor {
  return async (job, token) => {
    // A planned call (the bot's calendar) waits in the intake until due, where the bot can still
    // cancel, rename or move it; only then is it routed to an account.
    const { job: parsed } = readCallsJob(job);
    if (parsed?.name === "create-call") {
      const gate = await plannedJobGate(job, token, parsed.data, {
        now: deps.now(),
        hopMs: deps.plannedHopMs ?? DEFAULT_PLANNED_HOP_MS,
        redis: deps.redis,
        prefix: deps.prefix,
      });
      if (gate === "withdrawn") return { withdrawn: true } satisfies WithdrawnSummary;
    }
    const routing = routingOfJob(job);
    if (!routing) return deps.runHere(job, token);
    const route = await routeToAssistant(
      {
        redis: deps.redis,
        prefix: deps.prefix,
        now: deps.now(),
        loadOf: (entry) => deps.queues.load(entry),
        registry: () => deps.registry.readForChoice(),
      },
      { chatId: routing.chatId, rtmp: routing.ownerOnly },
    );
    const target = route.kind === "account" ? route.accountId : deps.accountId;
    if (route.kind === "account")
      await rememberChatAssistant(deps.redis, deps.prefix, routing.chatId, target);
    if (route.kind !== "account" && deps.floodWaitUntil() <= deps.now()) return deps.runHere(job, token);
    await copyJobTo(job, deps.queues.of(target), deps.now());
    deps.logger.debug(
      { jobId: job.id, chatId: routing.chatId, accountId: target },
      "job handed to an account's queue",
    );
    return { forwardedTo: target } satisfies ForwardedSummary;
  };
}
