import type { CallFailure } from "@callbot/shared";
import { DelayedError, type Job, UnrecoverableError } from "bullmq";
import { pino } from "pino";
import { Api, errors } from "telegram";
import { describe, expect, it } from "vitest";
import { CallJobError } from "../src/calls/call-job-error.ts";
import { handleCallError, wasReported } from "../src/calls/handle-call-error.ts";
import type { OutcomeReporter } from "../src/results/outcome-reporter.ts";
import { SessionDeath } from "../src/session/session-death.ts";
import { FloodGate, FloodGateClosedError } from "../src/telegram/flood-gate.ts";
import { TelegramTimeoutError } from "../src/telegram/invoke-with-timeout.ts";

/*
 * The error → action table of every call job, pinned row by row: what the requester is told
 * (a failure, a delay, or nothing yet) and what BullMQ is told (fail for good, retry, delay this
 * job, or pause the whole queue). Pure: the job and the reporter only record what they are
 * asked; call-errors.test.ts and flood-and-session.test.ts run the same paths against the
 * sandbox and a real Redis.
 */

const NOW = 1_800_000_000_000;
const create = new Api.phone.CreateGroupCall({ peer: new Api.InputPeerEmpty(), randomId: 1 });
const rpc = (name: string, code = 400) => new errors.RPCError(name, create, code);

type Told = "failed" | "delayed" | "nothing";
type Queue = "fail for good" | "retry" | "delay this job" | "pause the queue";

interface Row {
  situation: string;
  error: unknown;
  /** attemptsMade before this attempt, of 3. */
  attemptsMade?: number;
  shuttingDown?: boolean;
  told: Told;
  failure?: CallFailure;
  delaySeconds?: number;
  queue: Queue;
}

const rows: Row[] = [
  {
    situation: "the assistant is not an admin there: refused for good, the requester told why",
    error: rpc("CHAT_ADMIN_REQUIRED"),
    told: "failed",
    failure: { errorName: "CHAT_ADMIN_REQUIRED", category: "user" },
    queue: "fail for good",
  },
  {
    situation: "the requester lost their admin rights while the job waited (our own check): refused for good",
    error: new CallJobError("REQUESTER_RIGHTS_REVOKED", "no longer an admin", "user"),
    told: "failed",
    failure: { errorName: "REQUESTER_RIGHTS_REVOKED", category: "user" },
    queue: "fail for good",
  },
  {
    situation: "an error nobody knows: treated as permanent, never retried blindly",
    error: rpc("SOMETHING_TELEGRAM_INVENTED_TOMORROW"),
    told: "failed",
    failure: { errorName: "SOMETHING_TELEGRAM_INVENTED_TOMORROW", category: "permanent" },
    queue: "fail for good",
  },
  {
    situation: "Telegram had an internal error on the first attempt: retried, nothing said yet",
    error: rpc("RPC_CALL_FAIL", 500),
    attemptsMade: 0,
    told: "nothing",
    queue: "retry",
  },
  {
    situation: "Telegram never answered, on the last attempt: the requester is told once",
    error: new TelegramTimeoutError("phone.CreateGroupCall", 15_000),
    attemptsMade: 2,
    told: "failed",
    failure: { errorName: "TIMEOUT", category: "retry" },
    queue: "retry",
  },
  {
    situation: "the last attempt fails while the worker shuts down: handed back, nobody told it failed",
    error: rpc("RPC_CALL_FAIL", 500),
    attemptsMade: 2,
    shuttingDown: true,
    told: "nothing",
    queue: "retry",
  },
  {
    situation: "FLOOD_WAIT on creating calls: the requester hears of the delay, the whole queue waits",
    error: new FloodGateClosedError(30, "*", true),
    told: "delayed",
    delaySeconds: 30,
    queue: "pause the queue",
  },
  {
    situation: "FLOOD_WAIT on a username lookup: only this job waits, other chats go on",
    error: new FloodGateClosedError(300, "contacts.ResolveUsername", true),
    told: "delayed",
    delaySeconds: 300,
    queue: "delay this job",
  },
  {
    situation: "the session was revoked: the requester told, the worker stops taking jobs",
    error: rpc("AUTH_KEY_UNREGISTERED", 401),
    told: "failed",
    failure: { errorName: "AUTH_KEY_UNREGISTERED", category: "session" },
    queue: "fail for good",
  },
];

describe("handleCallError", () => {
  it.each(rows.map((row) => [row.situation, row] as const))("%s", async (_, row) => {
    const reported: Array<{ told: Told; failure?: CallFailure; delaySeconds?: number }> = [];
    const report: OutcomeReporter = {
      requestId: "newcall_-1001500000001_10",
      failed: async (failure) => void reported.push({ told: "failed", failure }),
      delayed: async (delaySeconds) => void reported.push({ told: "delayed", delaySeconds }),
    };
    let delayedUntil: number | undefined;
    let queuePausedMs: number | undefined;
    const job = {
      id: "job-1",
      token: "lock-token",
      attemptsMade: row.attemptsMade ?? 0,
      opts: { attempts: 3 },
      moveToDelayed: async (timestamp: number) => {
        delayedUntil = timestamp;
      },
    } as unknown as Job;
    const sessionDeath = new SessionDeath({
      queuesToEmpty: async () => [],
      publisher: { publish: async () => undefined },
      markSessionDead: async () => undefined,
      pauseWorker: async () => undefined,
      logger: pino({ level: "silent" }),
      now: () => NOW,
      runId: "run-1",
    });

    const thrown = await handleCallError(row.error, job, report, {
      publisher: { publish: async () => undefined },
      floodGate: new FloodGate(() => NOW),
      rateLimitQueue: async (ms) => {
        queuePausedMs = ms;
      },
      sessionDeath,
      logger: pino({ level: "silent" }),
      now: () => NOW,
      isShuttingDown: () => row.shuttingDown ?? false,
    }).then(
      () => undefined,
      (error: unknown) => error,
    );

    // What the requester is told.
    if (row.told === "nothing") expect(reported).toEqual([]);
    else if (row.told === "failed") expect(reported).toEqual([{ told: "failed", failure: row.failure }]);
    else expect(reported).toEqual([{ told: "delayed", delaySeconds: row.delaySeconds }]);
    // A told failure is never told again by the "failed" listener; an untold one may be.
    expect(wasReported(thrown)).toBe(row.told === "failed");

    // What BullMQ is told.
    const queue: Queue =
      thrown instanceof UnrecoverableError
        ? "fail for good"
        : thrown instanceof DelayedError
          ? "delay this job"
          : queuePausedMs !== undefined
            ? "pause the queue"
            : "retry";
    expect(queue).toBe(row.queue);
    if (row.queue === "delay this job") expect(delayedUntil).toBe(NOW + (row.delaySeconds ?? 0) * 1000);
    else expect(delayedUntil).toBeUndefined();
    if (row.queue === "pause the queue") expect(queuePausedMs).toBe((row.delaySeconds ?? 0) * 1000);
    expect(sessionDeath.errorName).toBe(
      row.failure?.category === "session" ? row.failure.errorName : undefined,
    );
  });
});
