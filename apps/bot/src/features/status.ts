import {
  formatWait,
  isKnownTelegramError,
  parseTelegramErrorName,
  readWorkerStatus,
  TELEGRAM_ERROR_CATALOGUE,
  type WorkerStatus,
} from "@callbot/shared";
import type { Queue } from "bullmq";
import { Composer, type Context } from "grammy";
import type { Redis } from "ioredis";
import { describeAccounts } from "../assistant/describe-accounts.ts";
import { assistantName, readUserbotIdentity } from "../assistant/read-userbot-identity.ts";
import type { Clock } from "../clock.ts";
import { replyToCommand } from "../telegram/reply-to-command.ts";

export interface StatusDeps {
  redis: Redis;
  prefix: string;
  callsQueue: Queue;
  ownerIds: readonly number[];
  clock: Clock;
}

/** How many recent failures /status lists. */
const LAST_ERRORS = 5;

/**
 * /status, for the operators (OWNER_IDS) only: the assistant account and its session, the
 * calls queue, a flood wait in force, and the last failures in plain words. Everything comes
 * from Redis (the worker's published state, BullMQ's counts): no Telegram request.
 */
export function createStatusFeature(deps: StatusDeps): Composer<Context> {
  const feature = new Composer<Context>();
  feature.command("status", async (ctx) => {
    const reply = (text: string) => replyToCommand(ctx, text);
    if (ctx.msg.sender_chat !== undefined || !ctx.from || !deps.ownerIds.includes(ctx.from.id)) {
      await reply("/status is for the bot's operators only (the users in OWNER_IDS).");
      return;
    }
    await reply(await renderStatus(deps));
  });
  return feature;
}

async function renderStatus(deps: StatusDeps): Promise<string> {
  const now = deps.clock.now();
  const [status, identity, counts, failed, accounts] = await Promise.all([
    readWorkerStatus(deps.redis, deps.prefix),
    readUserbotIdentity(deps.redis, deps.prefix),
    deps.callsQueue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"),
    deps.callsQueue.getFailed(0, LAST_ERRORS - 1),
    describeAccounts(deps.callsQueue, deps.redis, deps.prefix, now),
  ]);
  const name =
    status?.username !== undefined
      ? `@${status.username}`
      : identity
        ? assistantName(identity)
        : "the assistant account (not known yet)";
  const lines = ["Status", "", `Assistant: ${name}`, `Session: ${describeSession(status)}`];
  const floodUntil = status?.floodWaitUntil;
  lines.push(
    floodUntil !== undefined && floodUntil > now
      ? `Flood wait: Telegram asked it to wait until ${new Date(floodUntil).toISOString().slice(11, 19)} UTC (${formatWait(Math.ceil((floodUntil - now) / 1000))} from now); requests wait meanwhile.`
      : "Flood wait: none.",
  );
  const waiting = (counts.waiting ?? 0) + (counts.prioritized ?? 0);
  lines.push(
    `Queue: ${waiting} waiting, ${counts.active ?? 0} running, ${counts.delayed ?? 0} delayed (scheduled or retrying), ${counts.failed ?? 0} failed.`,
  );
  lines.push(...accounts);
  const errors = failed.flatMap((job) =>
    job ? [describeFailure(job.failedReason, job.finishedOn, job.data)] : [],
  );
  lines.push("", errors.length > 0 ? "Last errors:" : "Last errors: none.");
  for (const error of errors) lines.push(`• ${error}`);
  return lines.join("\n");
}

function describeSession(status: WorkerStatus | undefined): string {
  switch (status?.state) {
    case "online":
      return "alive: the worker is logged in and taking requests.";
    case "session-dead":
      return `dead: ${status.errorName !== undefined ? meaningOf(status.errorName) : "Telegram ended it"}. Log the assistant in again with pnpm session, then restart the worker.`;
    case "stopped":
      return "the worker was stopped; queued requests run when it starts again.";
    default:
      return "unknown: no worker has reported in the last 30 seconds (not started, crashed, or cut off from Redis).";
  }
}

/**
 * A failed job in plain words: the catalogue's meaning of its error, never the raw name.
 * The worker fails jobs with "<ERROR_NAME>: <detail>" (handleCallError).
 */
function describeFailure(reason: string | undefined, finishedOn: number | undefined, data: unknown): string {
  const meaning = meaningOf((reason ?? "").split(":")[0]?.trim() ?? "");
  const title = (data as { target?: { title?: unknown } } | null)?.target?.title;
  const when =
    finishedOn !== undefined
      ? `${new Date(finishedOn).toISOString().slice(0, 16).replace("T", " ")} UTC`
      : "";
  return [when, typeof title === "string" ? `«${title}»` : "", meaning].filter(Boolean).join(" · ");
}

/** The catalogue's one line for the operator about an error name; never the name itself. */
function meaningOf(errorName: string): string {
  const parsed = parseTelegramErrorName(errorName);
  return isKnownTelegramError(parsed.name)
    ? TELEGRAM_ERROR_CATALOGUE[parsed.name].meaning
    : "an error callbot does not know (see the worker's log)";
}
