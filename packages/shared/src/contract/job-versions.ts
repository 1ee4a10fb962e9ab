import { z } from "zod";
import type { CallsJobName } from "../queues/calls-queue.ts";
import { MessageRefSchema } from "./call-request.ts";
import { CALL_JOB_NAMES } from "./queue-names.ts";

/**
 * Rolling upgrades: what this release reads on the calls queue, by job name (every name of
 * CALLS_QUEUE_JOBS): the `kind` its data carries and the highest `v` of that kind it understands. Readers accept every version up to
 * that one (older jobs wait in Redis for days); a job of a higher version, or of a name this
 * table lacks, comes from a newer bot and is refused with a clear answer (refuseNewerJob in the
 * worker), never run half-way and never retried.
 *
 * Raise a version only with a new schema for it, keep parsing the older ones, and capture new
 * fixtures (tests/e2e/test/upgrade).
 */
export const CALL_JOB_VERSIONS = {
  [CALL_JOB_NAMES.createCall]: { kind: "create-call", v: 1 },
  [CALL_JOB_NAMES.callAction]: { kind: "call-action", v: 2 },
  [CALL_JOB_NAMES.recurringOccurrence]: { kind: "recurring-rule", v: 1 },
  [CALL_JOB_NAMES.joinChat]: { kind: "join-chat", v: 1 },
  [CALL_JOB_NAMES.emptyWatch]: { kind: "empty-watch", v: 1 },
} as const satisfies Record<CallsJobName, { kind: string; v: number }>;

/**
 * The part of every job on the calls queue that no release may change: its version and kind,
 * and whom to answer. A worker that cannot read the rest of a job still reads this, so that the
 * requester hears why nothing happened instead of nothing at all.
 */
export const JobEnvelopeSchema = z.object({
  v: z.number().int().positive(),
  kind: z.string().min(1),
  /** Create-call, call-action and join-chat jobs; a recurring rule names its ruleId instead. */
  requestId: z.string().min(1).max(200).optional(),
  ruleId: z.string().min(1).max(200).optional(),
  requester: z.object({ userId: z.number().int(), chatId: z.number().int() }).optional(),
  ack: MessageRefSchema.optional(),
});
export type JobEnvelope = z.infer<typeof JobEnvelopeSchema>;

/** Why a job is not for this release: undefined when it is. */
export type JobTooNew =
  | { reason: "newer-version"; kind: string; jobVersion: number; supportedVersion: number }
  | { reason: "unknown-job"; kind: string; jobVersion: number };

/**
 * Whether a job on the calls queue comes from a newer release than this one. Only a readable
 * envelope with a higher version (or a job name unknown here) counts: data without an envelope
 * is simply invalid, and the job's own schema says why.
 */
export function jobTooNew(name: string, data: unknown): JobTooNew | undefined {
  const envelope = JobEnvelopeSchema.safeParse(data);
  if (!envelope.success) return undefined;
  const { v, kind } = envelope.data;
  const known = (CALL_JOB_VERSIONS as Record<string, { kind: string; v: number }>)[name];
  if (!known) return { reason: "unknown-job", kind, jobVersion: v };
  if (v > known.v) return { reason: "newer-version", kind, jobVersion: v, supportedVersion: known.v };
  return undefined;
}

/**
 * Version 1 of the worker's answer to a job it refused because a newer bot wrote it: the
 * requester learns that nothing was done and why, the operators what to upgrade. Carries the
 * envelope only, since the rest of the job is what this worker cannot read.
 */
export const JobRefusedSchema = z.object({
  v: z.literal(1),
  kind: z.literal("job-refused"),
  /** The refused job's id on the calls queue (it stays there, failed, with its data). */
  jobId: z.string().min(1),
  jobName: z.string().min(1),
  job: JobEnvelopeSchema,
  /** The highest version of that kind this worker reads; absent for a job it does not know at all. */
  supportedVersion: z.number().int().positive().optional(),
  /** Unix milliseconds. */
  at: z.number().int().positive(),
});
export type JobRefused = z.infer<typeof JobRefusedSchema>;

/** What this release reads on the results queue: the highest `v` of each message kind. */
export const RESULT_KIND_VERSIONS: Readonly<Record<string, number>> = {
  "create-call": 1,
  "call-action": 2,
  "join-chat": 1,
  "worker-alert": 1,
  "job-refused": 1,
  "empty-watch-stopped": 1,
};

/**
 * Whether a results message comes from a newer worker than this bot reads (a higher version or
 * an unknown kind): a sentence for the log saying what to upgrade, or undefined.
 */
export function resultTooNew(data: unknown): string | undefined {
  const head = z.object({ v: z.number().int().positive(), kind: z.string().min(1) }).safeParse(data);
  if (!head.success) return undefined;
  const known = RESULT_KIND_VERSIONS[head.data.kind];
  if (known !== undefined && head.data.v <= known) return undefined;
  const what =
    known === undefined
      ? `a "${head.data.kind}" message, a kind this bot does not know`
      : `version ${head.data.v} of a "${head.data.kind}" message; this bot reads up to version ${known}`;
  return `a newer worker sent ${what}: upgrade the bot (README, Production: upgrades)`;
}
