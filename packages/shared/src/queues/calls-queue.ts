import {
  type Job,
  type JobSchedulerTemplateOptions,
  type JobsOptions,
  type Queue,
  UnrecoverableError,
} from "bullmq";
import type { z } from "zod";
import { CallActionRequestSchema } from "../contract/call-action.ts";
import { CreateCallRequestSchema } from "../contract/call-request.ts";
import { EmptyWatchRequestSchema } from "../contract/empty-watch.ts";
import { JoinChatRequestSchema } from "../contract/join-chat.ts";
import { CALL_JOB_NAMES } from "../contract/queue-names.ts";
import { RecurringRuleSchema } from "../contract/recurring-rule.ts";
import { CALL_JOB_DEFAULTS } from "./call-job-options.ts";
import { describeIssues } from "./describe-issues.ts";
import { firstOccurrenceJobId } from "./job-id.ts";

/** What one kind of job on the calls queue is: its data's schema and its idempotent job id. */
interface CallsJobKind<Schema extends z.ZodType> {
  schema: Schema;
  /** The job id a plain add gets: BullMQ ignores an add whose id exists, so a repeat adds nothing. */
  jobId: (data: z.output<Schema>) => string;
}

function kind<Schema extends z.ZodType>(
  schema: Schema,
  jobId: (data: z.output<Schema>) => string,
): CallsJobKind<Schema> {
  return { schema, jobId };
}

/**
 * Every job the calls queue carries (bot -> worker), by job name. The name tells the kind, so
 * both ends pick the schema here: the producer validates before adding (addCallsJob), the worker
 * before running (parseCallsJob).
 */
export const CALLS_QUEUE_JOBS = {
  [CALL_JOB_NAMES.createCall]: kind(CreateCallRequestSchema, (request) => request.requestId),
  [CALL_JOB_NAMES.callAction]: kind(CallActionRequestSchema, (request) => request.requestId),
  // The job scheduler adds the others; an add by hand is the first occurrence inside the lead time.
  [CALL_JOB_NAMES.recurringOccurrence]: kind(RecurringRuleSchema, (rule) =>
    firstOccurrenceJobId(rule.ruleId),
  ),
  [CALL_JOB_NAMES.joinChat]: kind(JoinChatRequestSchema, (request) => request.requestId),
  [CALL_JOB_NAMES.emptyWatch]: kind(EmptyWatchRequestSchema, (request) => request.requestId),
};

export type CallsJobName = keyof typeof CALLS_QUEUE_JOBS;
/** The data of one kind of job (or, without a name, of any job) on the calls queue. */
export type CallsJobData<Name extends CallsJobName = CallsJobName> = z.output<
  (typeof CALLS_QUEUE_JOBS)[Name]["schema"]
>;
/** A calls-queue job as the worker sees it once parsed: switch on `name` to get typed `data`. */
export type CallsQueueJob = {
  [Name in CallsJobName]: { name: Name; data: CallsJobData<Name> };
}[CallsJobName];

/**
 * The calls queue. Job names stay `string` in the type because BullMQ types a job scheduler's
 * id with the name type (Queue#upsertJobScheduler), and scheduler ids are rule ids.
 */
export type CallsQueue = Queue<CallsJobData>;

/** Data that does not fit the contract, refused before it reaches the queue. */
export class InvalidCallsJobError extends Error {
  override readonly name = "InvalidCallsJobError";
}

function validated<Name extends CallsJobName>(name: Name, data: unknown): CallsJobData<Name> {
  const schema: z.ZodType = CALLS_QUEUE_JOBS[name].schema;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidCallsJobError(`invalid ${name} job, not queued: ${describeIssues(parsed.error)}`);
  }
  // The schema is the one of `name`, so its output is that kind's data.
  return parsed.data as CallsJobData<Name>;
}

/**
 * A job template for the calls queue: the data validated, and the default options (retries,
 * retention: CALL_JOB_DEFAULTS). What a job scheduler repeats, and what addCallsJob adds.
 * @throws InvalidCallsJobError when the data does not fit the job's schema.
 */
export function callsJobTemplate<Name extends CallsJobName>(
  name: Name,
  data: CallsJobData<Name>,
): { name: Name; data: CallsJobData<Name>; opts: JobSchedulerTemplateOptions } {
  return { name, data: validated(name, data), opts: { ...CALL_JOB_DEFAULTS } };
}

/**
 * Adds a job to the calls queue: the one way to, for the bot and the worker alike. The data is
 * validated against the job's schema, and the options are CALL_JOB_DEFAULTS, then the queue's own
 * defaultJobOptions, with the kind's job id (see CALLS_QUEUE_JOBS); `options` overrides any of
 * them (a delay, a longer retention, another id).
 * Rejects with InvalidCallsJobError when the data does not fit the job's schema; nothing is added then.
 */
export async function addCallsJob<Name extends CallsJobName>(
  queue: CallsQueue,
  name: Name,
  data: CallsJobData<Name>,
  options: JobsOptions = {},
): Promise<Job<CallsJobData>> {
  const template = callsJobTemplate(name, data);
  // TypeScript cannot narrow the map's entry by a generic key; it is the entry of `name`.
  const jobIdOf = CALLS_QUEUE_JOBS[name].jobId as (data: CallsJobData<Name>) => string;
  const jobId = jobIdOf(template.data);
  // The queue's own defaults (a test's queue with a shorter backoff) win over CALL_JOB_DEFAULTS.
  return queue.add(name, template.data, { ...template.opts, ...queue.defaultJobOptions, jobId, ...options });
}

/**
 * The calls-queue job a worker took, typed by its name, or undefined when the name is unknown
 * or the data does not fit (with the reason).
 */
export function readCallsJob(job: {
  name: string;
  data: unknown;
}): { job: CallsQueueJob } | { job: undefined; reason: string } {
  if (!Object.hasOwn(CALLS_QUEUE_JOBS, job.name)) {
    return { job: undefined, reason: `unknown job name on the calls queue, not run: ${job.name}` };
  }
  const name = job.name as CallsJobName;
  const schema: z.ZodType = CALLS_QUEUE_JOBS[name].schema;
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    return { job: undefined, reason: `invalid ${name} job, not run: ${describeIssues(parsed.error)}` };
  }
  return { job: { name, data: parsed.data } as CallsQueueJob };
}

/**
 * The calls-queue job a worker took, typed by its name. A job of unknown name or with data that
 * does not fit fails for good (UnrecoverableError, so BullMQ does not retry it) with the reason,
 * and never runs half-way.
 */
export function parseCallsJob(job: { name: string; data: unknown }): CallsQueueJob {
  const read = readCallsJob(job);
  if (read.job === undefined) throw new UnrecoverableError(read.reason);
  return read.job;
}
