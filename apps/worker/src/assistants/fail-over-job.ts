import { CALL_JOB_NAMES, rememberChatAssistant, routeToAssistant } from "@callbot/shared";
import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AccountQueues } from "./account-queues.ts";
import { copyJobTo } from "./move-job.ts";
import { routingOfJob } from "./routing-of-job.ts";

export interface FailOverDeps {
  redis: Redis;
  prefix: string;
  queues: AccountQueues;
  logger: Logger;
  now: () => number;
}

/**
 * Moves one waiting job of a dead account to an online account that may run it in its chat
 * (chooseAssistant, among the accounts online: the dead one is not), and says whether it did.
 * The job is removed first and added to the other queue after, so one request can never be in
 * two queues at once (two calls, since each account has its own random_id scope); removing fails
 * when the job is no longer waiting (a worker took it), and then nothing is moved. The same job
 * id in the new queue makes a second move of it a no-op.
 */
export async function failOverJob(job: Job, fromAccountId: number, deps: FailOverDeps): Promise<boolean> {
  const routing = routingOfJob(job);
  if (!routing) return false;
  const route = await routeToAssistant(
    {
      redis: deps.redis,
      prefix: deps.prefix,
      now: deps.now(),
      loadOf: (entry) => deps.queues.load(entry),
      choiceFrom: 1,
    },
    { chatId: routing.chatId, rtmp: routing.ownerOnly },
  );
  if (route.kind !== "account" || route.accountId === fromAccountId) return false;
  const removed = await job.remove().then(
    () => true,
    () => false,
  );
  if (!removed) return false;
  await copyJobTo(job, deps.queues.of(route.accountId), deps.now());
  await rememberChatAssistant(deps.redis, deps.prefix, routing.chatId, route.accountId);
  deps.logger.info(
    { jobId: job.id, chatId: routing.chatId, from: fromAccountId, to: route.accountId },
    "moved a dead account's waiting job to another account",
  );
  return true;
}

/**
 * Hands a call action that this account could not run (its session died, or Telegram asked it to
 * wait) to another online account that may run it in the chat and is not waiting out a flood
 * itself; returns that account, or undefined when there is none. Unlike a create-call, a call
 * action carries no random_id scope: Telegram refused this attempt (401, 420), and the actions
 * are idempotent in outcome (started, ended, renamed already: "skipped"; one key revocation per
 * request by its claim), so the other account may run it at once. The running job is not removed
 * (it is locked): it completes here as handed on, and its copy in the other account's queue, under
 * the same job id, publishes the one result. A recording's forward stays (routingOfJob).
 * An end-when-empty watch whose session died goes the same way (emptyWatchJob): its copy watches
 * the call from the other account, counting the empty minutes from its own first look.
 */
export async function handOnRunningAction(
  job: Job,
  fromAccountId: number,
  deps: FailOverDeps,
): Promise<number | undefined> {
  const watch = job.name === CALL_JOB_NAMES.emptyWatch;
  const routing = job.name === CALL_JOB_NAMES.callAction || watch ? routingOfJob(job) : undefined;
  if (!routing) return undefined;
  const now = deps.now();
  const route = await routeToAssistant(
    {
      redis: deps.redis,
      prefix: deps.prefix,
      now,
      loadOf: (entry) => deps.queues.load(entry),
      choiceFrom: 1,
    },
    { chatId: routing.chatId, rtmp: routing.ownerOnly, exclude: fromAccountId },
  );
  if (route.kind !== "account") return undefined;
  // A watch can wait out the other account's flood; a user's action should not.
  if (!watch && (route.entry.floodWaitUntil ?? 0) > now) return undefined;
  await copyJobTo(job, deps.queues.of(route.accountId), now);
  await rememberChatAssistant(deps.redis, deps.prefix, routing.chatId, route.accountId);
  deps.logger.info(
    { jobId: job.id, chatId: routing.chatId, from: fromAccountId, to: route.accountId },
    "handed a call action this account could not run to another account",
  );
  return route.accountId;
}
