// Captures the job fixtures of the current release (fixtures/<release>/*.json) from a real run:
// the sandbox, the real Redis, the real bot and worker. Run it when a release changes what it
// writes to the queues, and check the new folder in beside the old ones:
//   cd tests/e2e && pnpm exec tsx test/upgrade/capture-fixtures.ts v1
// Each job is read from Redis while nothing has consumed it yet (the worker or the bot is
// stopped at that moment), so the fixture is the job exactly as the producer stored it.
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { CALL_JOB_NAMES, QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { accountLockKey } from "@callbot/worker";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { startPipeline } from "../support/pipeline.ts";
import { FIXTURES_DIR, readStoredJob, type StoredJob } from "./stored-job.ts";

const release = process.argv[2];
if (!release || !/^v\d+$/.test(release))
  throw new Error("usage: capture-fixtures.ts v<N> (the folder to write)");

const bullmq = JSON.parse(
  readFileSync(join(createRequire(import.meta.url).resolve("bullmq"), "../../../package.json"), "utf8"),
) as { version: string };
const capturedFrom = {
  commit: execSync("git rev-parse --short HEAD", { encoding: "utf8" }).trim(),
  bullmq: bullmq.version,
  capturedAt: new Date().toISOString(),
};

const p = await startPipeline({ ownerIds: [DEMO.olga], worker: { accountLockTtlMs: 3_000 } });
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
const calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix: p.prefix });
const results = new Queue(QUEUE_NAMES.results, { connection: redis, prefix: p.prefix });
const dir = join(FIXTURES_DIR, release);
mkdirSync(dir, { recursive: true });

async function save(file: string, about: string, queue: StoredJob["queue"], jobId: string): Promise<void> {
  const stored: StoredJob = { ...(await readStoredJob(redis, p.prefix, queue, jobId)), about, capturedFrom };
  writeFileSync(join(dir, `${file}.json`), `${JSON.stringify(stored, null, 2)}\n`);
  console.log(`${file}: ${queue} ${jobId}`);
}

/** The one job of `name` in `states` that was not there before. */
async function newJob(name: string, states: Array<"waiting" | "delayed">, before: Set<string>): Promise<Job> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const found = (await calls.getJobs(states)).find((job) => job.name === name && !before.has(job.id ?? ""));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no new ${name} job appeared`);
}
async function jobIds(): Promise<Set<string>> {
  return new Set((await calls.getJobs(["waiting", "delayed"])).map((job) => job.id ?? ""));
}
async function resultJob(jobId: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await results.getJob(jobId))) {
    if (Date.now() > deadline) throw new Error(`no result ${jobId}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

try {
  // A call in «Demo Community» for the rename to act on.
  const first = await p.ask(DEMO.olga, DEMO.community, "/newcall Fixture call");
  await p.outcome(first.reply, /✅/);

  // With the worker stopped, jobs wait in the calls queue as the bot stored them.
  await p.worker.stop();
  let before = await jobIds();
  await p.ask(DEMO.olga, DEMO.community, "/rename Renamed fixture call");
  const rename = await newJob(CALL_JOB_NAMES.callAction, ["waiting"], before);
  await save("calls-call-action-rename", "/rename in a group: a call-action job", "calls", rename.id ?? "");

  // Since v2: an in-call control (call-action version 2), on the same live call.
  before = await jobIds();
  await p.ask(DEMO.olga, DEMO.community, "/record audio");
  const record = await newJob(CALL_JOB_NAMES.callAction, ["waiting"], before);
  await save(
    "calls-call-action-record-start",
    "/record audio in a group: a call-action job of version 2 (the in-call controls)",
    "calls",
    record.id ?? "",
  );

  before = await jobIds();
  await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Team sync");
  const create = await newJob(CALL_JOB_NAMES.createCall, ["waiting"], before);
  await save(
    "calls-create-call",
    "/newcall in a group, starting now: a create-call job",
    "calls",
    create.id ?? "",
  );

  before = await jobIds();
  await p.ask(DEMO.olga, DEMO.studio, "/newcall Daily studio every day 18:00");
  const tick = await newJob(CALL_JOB_NAMES.recurringOccurrence, ["delayed", "waiting"], before);
  await save(
    "calls-recurring-occurrence",
    "a recurring rule's job scheduler tick (every day 18:00): data is the rule",
    "calls",
    tick.id ?? "",
  );

  // With the bot stopped, results wait in the results queue as the worker stored them.
  await p.bot.stop();
  await p.startWorker().ready;
  await resultJob(`result_${rename.id}`);
  await save(
    "results-call-action-done",
    "the rename's result: done, with the call",
    "results",
    `result_${rename.id}`,
  );
  await resultJob(`result_${record.id}`);
  await save(
    "results-call-action-record-start",
    "the /record's result: done, with the call (version 2)",
    "results",
    `result_${record.id}`,
  );
  await resultJob(`result_${create.id}`);
  await save(
    "results-create-call-created",
    "the /newcall's result: created",
    "results",
    `result_${create.id}`,
  );

  // The account lock vanishes (as after a Redis restart without data): the worker takes it back
  // and alerts the owners.
  const session = p.sandbox.info.sessions.callbot_assistant ?? "";
  await redis.del(await accountLockKey(p.prefix, session));
  const alertDeadline = Date.now() + 20_000;
  let alert: Job | undefined;
  while (!alert) {
    if (Date.now() > alertDeadline) throw new Error("no lock-lost alert");
    alert = (await results.getJobs(["waiting"])).find((job) => job.name === "worker-alert");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await save(
    "results-worker-alert",
    "the owners' alert: the account lock was lost and retaken",
    "results",
    alert.id ?? "",
  );

  // /setup's "Add the assistant" in a public chat the assistant left: a join-chat job.
  await p.worker.stop();
  await p.startBot();
  p.sandbox.setRole(DEMO.community, DEMO.assistant, { status: "left" });
  const setup = await p.ask(DEMO.olga, DEMO.community, "/setup");
  const add = (
    setup.reply.replyMarkup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string }>> }
  )?.inline_keyboard
    ?.flat()
    .find((button) => button.text.includes("Add the assistant"));
  if (!add?.callback_data) throw new Error(`no "Add the assistant" button: ${setup.reply.text}`);
  before = await jobIds();
  await p.sandbox.pressButton({
    from: DEMO.olga,
    chatId: DEMO.community,
    messageId: setup.reply.id,
    data: add.callback_data,
  });
  const join = await newJob(CALL_JOB_NAMES.joinChat, ["waiting"], before);
  await save(
    "calls-join-chat",
    "/setup's Add the assistant in a public chat: a join-chat job",
    "calls",
    join.id ?? "",
  );
  await p.bot.stop();
  await p.startWorker().ready;
  await resultJob(`result_${join.id}`);
  await save("results-join-chat-joined", "the join's result: joined", "results", `result_${join.id}`);
} finally {
  await calls.close();
  await results.close();
  await redis.quit();
  await p.close();
}
