import { type Job, Queue, Worker } from "bullmq";
import { type Api, GrammyError } from "grammy";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Announcer } from "../announcements/announcer.ts";
import type { CallEntry } from "../calls-registry/call-entry.ts";
import type { CallsRegistry } from "../calls-registry/calls-registry.ts";
import type { ChatCallSettingsStore } from "../chat-settings/chat-call-settings.ts";
import type { Clock } from "../clock.ts";
import { isPrivateChatClosed } from "../telegram/bot-api-errors.ts";
import type { ReminderSubscriptions } from "./reminder-subscriptions.ts";
import { type ReminderKind, renderReminder } from "./render-reminder.ts";

/** The bot's own queue (the worker never reads it): reminder times, then one job per message. */
export const REMINDERS_QUEUE = "callbot-reminders";

/** A reminder time of a call: at it, every subscriber gets a send job. */
interface DueJob {
  kind: ReminderKind;
  entryId: string;
  /** For "before": the schedule it was planned for; a call moved since is not reminded by it. */
  scheduleDate?: number;
}
/** One private message to one subscriber. */
interface SendJob {
  userId: number;
  text: string;
}

export interface ReminderLimits {
  /** How long a "minute" of the reminder lead is; tests shorten it. @defaultValue 60_000 */
  minuteMs: number;
  /**
   * Reminders sent per second over all subscribers: BullMQ's rate limiter on the queue, below
   * Telegram's ~30 messages a second so the bot's other messages still fit. @defaultValue 25
   */
  sendsPerSecond: number;
}

export const DEFAULT_REMINDER_LIMITS: ReminderLimits = { minuteMs: 60_000, sendsPerSecond: 25 };

export interface RemindersDeps {
  /** A Bot API client without in-call 429 sleeping: a 429 pauses the whole queue instead. */
  api: Api;
  /** Fail-fast connection for the reminders' own keys. */
  redis: Redis;
  /** Fail-fast connection for the reminders queue: the one BullMQ's other queues use (start-bot.ts). */
  queueConnection: Redis;
  /** A "worker"-role connection for the BullMQ worker. */
  connection: Redis;
  prefix: string;
  registry: CallsRegistry;
  settings: ChatCallSettingsStore;
  subscriptions: ReminderSubscriptions;
  announcer: Pick<Announcer, "record">;
  defaultTimeZone: string;
  clock: Clock;
  logger: Logger;
  limits?: Partial<ReminderLimits>;
}

export interface Reminders {
  /**
   * Plans, moves or drops a call's reminder times as the call changes (a registry listener).
   * `announced`: whether the call has an announcement, when the announcer just said so; read
   * from its record otherwise.
   */
  follow(entry: CallEntry, announced?: boolean): Promise<void>;
  /** Resolves when every message of a reminder time was handled (tests, the bench). */
  queue: Queue;
  close(): Promise<void>;
}

/**
 * Reminders of announced calls, on a BullMQ queue so that they survive restarts:
 * - each call's reminder times are delayed "due" jobs: N minutes before (per chat, /announce
 *   remind N), and "live" when it starts; a moved call gets a new "before" job and loses the
 *   old one; an ended or failed call loses it;
 * - a due job adds one "send" job per subscriber (job ids make a second add a no-op, so no one is
 *   reminded twice);
 * - sends go through BullMQ's rate limiter (sendsPerSecond over the whole queue, whatever number
 *   of bot processes), and a 429 from Telegram pauses the whole queue for its retry_after
 *   instead of retrying in a loop. Someone who blocked the bot is skipped.
 */
export function createReminders(deps: RemindersDeps): Reminders {
  const limits = { ...DEFAULT_REMINDER_LIMITS, ...deps.limits };
  const queue = new Queue(REMINDERS_QUEUE, { connection: deps.queueConnection, prefix: deps.prefix });
  queue.on("error", (error) => deps.logger.warn({ err: error }, "reminders queue error"));
  const plannedKey = (entryId: string) => `${deps.prefix}:bot:reminders:planned:${entryId}`;
  const retention = {
    // Completed jobs are kept a day: their ids are what keeps a second add from reminding twice.
    removeOnComplete: { age: 24 * 3600 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };

  async function dropPlanned(entryId: string): Promise<void> {
    const planned = await deps.redis.get(plannedKey(entryId));
    if (planned === null) return;
    await queue.remove(planned).catch(() => undefined);
    await deps.redis.del(plannedKey(entryId));
  }

  async function follow(entry: CallEntry, announced?: boolean): Promise<void> {
    if (!(announced ?? (await deps.announcer.record(entry.id)) !== undefined)) return;
    if (entry.state === "scheduled" && entry.scheduleDate !== undefined) {
      const jobId = `before_${entry.id}_${entry.scheduleDate}`;
      if ((await deps.redis.get(plannedKey(entry.id))) === jobId) return;
      await dropPlanned(entry.id);
      const { remindMinutes } = await deps.settings.get(entry.chatId);
      const at = entry.scheduleDate * 1000 - remindMinutes * limits.minuteMs;
      const delay = at - deps.clock.now();
      // Scheduled closer than the lead: the "live now" message is the one reminder.
      if (delay <= 0) return;
      const due: DueJob = { kind: "before", entryId: entry.id, scheduleDate: entry.scheduleDate };
      await queue.add("due", due, { jobId, delay, ...retention });
      await deps.redis.set(plannedKey(entry.id), jobId, "EX", 10 * 24 * 3600);
      return;
    }
    await dropPlanned(entry.id);
    if (entry.state === "live") {
      const due: DueJob = { kind: "live", entryId: entry.id };
      await queue.add("due", due, { jobId: `live_${entry.id}`, ...retention });
    }
  }

  async function fanOut(job: Job<DueJob>): Promise<number> {
    const { entryId, kind } = job.data;
    const entry = await deps.registry.get(entryId);
    const stillSo =
      entry !== undefined &&
      (kind === "live"
        ? entry.state === "live"
        : entry.state === "scheduled" && entry.scheduleDate === job.data.scheduleDate);
    if (!stillSo) return 0;
    const settings = await deps.settings.get(entry.chatId);
    const text = renderReminder(entry, kind, {
      timeZone: entry.timeZone ?? deps.defaultTimeZone,
      remindMinutes: settings.remindMinutes,
    });
    const subscribers = await deps.subscriptions.all(entryId);
    const sends = subscribers.map((userId) => ({
      name: "send",
      data: { userId, text } satisfies SendJob,
      opts: {
        jobId: `send_${job.id}_${userId}`,
        attempts: 5,
        backoff: { type: "exponential", delay: 1_000 },
        ...retention,
      },
    }));
    for (let i = 0; i < sends.length; i += 500) await queue.addBulk(sends.slice(i, i + 500));
    deps.logger.info({ entryId, kind, subscribers: sends.length }, "reminders queued");
    return sends.length;
  }

  async function send(job: Job<SendJob>): Promise<string> {
    try {
      await deps.api.sendMessage(job.data.userId, job.data.text, {
        link_preview_options: { is_disabled: true },
      });
      return "sent";
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 429) {
        // Telegram's wait becomes the whole queue's pause: no send is tried again before it ends.
        await worker.rateLimit(Math.max(1, error.parameters.retry_after ?? 1) * 1_000);
        throw Worker.RateLimitError();
      }
      if (isPrivateChatClosed(error)) return "unreachable"; // blocked the bot since pressing 🔔
      throw error;
    }
  }

  const worker = new Worker(
    REMINDERS_QUEUE,
    (job: Job) => (job.name === "due" ? fanOut(job as Job<DueJob>) : send(job as Job<SendJob>)),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      // Enough in flight that the limiter, not the round trip, sets the pace.
      concurrency: Math.max(1, Math.ceil(limits.sendsPerSecond)),
      limiter: smoothLimiter(limits.sendsPerSecond),
    },
  );
  worker.on("error", (error) => deps.logger.warn({ err: error }, "reminders worker error"));
  worker.on("failed", (job, error) =>
    deps.logger.warn({ jobId: job?.id, err: error }, "a reminder could not be sent"),
  );

  return {
    follow,
    queue,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

/**
 * BullMQ's limiter counts jobs per fixed window, so a window's jobs can start at its end and the
 * next window's at its start: twice the rate for a moment. Telegram (and the sandbox) measure
 * with a sliding bucket, so one-second windows would meet 429s at every boundary. Windows of a
 * fifth of a second keep any burst to a few messages.
 */
function smoothLimiter(perSecond: number): { max: number; duration: number } {
  const max = Math.max(1, Math.floor(perSecond / 5));
  return { max, duration: Math.round((1_000 * max) / perSecond) };
}
