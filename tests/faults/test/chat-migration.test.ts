import { autostartJobId } from "@callbot/shared";
import { waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { dailyTimeAhead } from "./support/daily-time-ahead.ts";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist 37: a basic group is upgraded to a supergroup (a new -100… id; Telegram refuses the
 * old one) while calls are queued, scheduled or recurring. Every report and rule follows the new id.
 */
const { start } = pipelinePerTest();
let p: Pipeline;

async function jobChat(jobId: string): Promise<number | undefined> {
  const job = await p.queues.calls.getJob(jobId);
  return (job?.data as { target?: { chatId?: number } } | undefined)?.target?.chatId;
}

async function callsListIn(chatId: number): Promise<string> {
  const { reply } = await p.ask(WHO.olga, chatId, "/calls");
  return reply.text ?? "";
}

describe("37: a basic group upgraded to a supergroup", () => {
  it("a queued request is created in the supergroup and its report reaches the requester there", async () => {
    p = await start({ worker: false });
    const { sent, reply } = await p.ask(WHO.olga, WHO.oldGroup, "/newcall Standup");
    expect(reply.text).toContain("Queued");
    const jobId = `newcall_${WHO.oldGroup}_${sent.id}`;
    await waitFor(() => jobChat(jobId), "the job");

    const newId = p.sandbox.migrateGroup(WHO.oldGroup, WHO.olga);
    await waitFor(async () => ((await jobChat(jobId)) === newId ? true : undefined), "the job to follow");
    await p.startWorker();

    const told = await p.sandbox.waitForBotMessage(newId, (m) => /Standup/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });
    expect(told.text).toMatch(/“Standup” is live now in «Old Group»/);
    expect(p.sandbox.calls(newId).map((c) => c.title)).toEqual(["Standup"]);
    expect(await callsListIn(newId)).toContain("Standup");
  });

  it("a scheduled call's auto-start runs in the supergroup and is reported there", async () => {
    p = await start();
    const { reply } = await p.ask(WHO.olga, WHO.oldGroup, "/newcall Retro in 2h autostart");
    await p.outcome(reply, /is scheduled/);
    const [call] = p.sandbox.calls(WHO.oldGroup);
    const autostart = autostartJobId(call!.id);
    expect(await jobChat(autostart)).toBe(WHO.oldGroup);

    const newId = p.sandbox.migrateGroup(WHO.oldGroup, WHO.olga);
    await waitFor(
      async () => ((await jobChat(autostart)) === newId ? true : undefined),
      "the auto-start to follow",
    );
    expect(await callsListIn(newId)).toContain("Retro");

    await (await p.queues.calls.getJob(autostart))!.promote(); // its time comes
    const posted = await p.sandbox.waitForBotMessage(newId, (m) => m.text?.startsWith("▶️") === true, {
      timeoutMs: 20_000,
    });
    expect(posted.text).toBe("▶️ “Retro” started automatically in «Old Group».");
    expect(p.sandbox.calls(newId).map((c) => c.state)).toEqual(["active"]);
  });

  it("when Telegram ends the group's call at the upgrade (an undocumented answer: callOnGroupUpgrade 'ends'), its auto-start starts nothing and the requester is not told it started", async () => {
    p = await start();
    p.sandbox.world.configure({ callOnGroupUpgrade: "ends" });
    const { reply } = await p.ask(WHO.olga, WHO.oldGroup, "/newcall Retro in 2h autostart");
    await p.outcome(reply, /is scheduled/);
    const [call] = p.sandbox.calls(WHO.oldGroup);
    const autostart = autostartJobId(call!.id);

    const newId = p.sandbox.migrateGroup(WHO.oldGroup, WHO.olga);
    await waitFor(
      async () => ((await jobChat(autostart)) === newId ? true : undefined),
      "the auto-start to follow",
    );
    const job = await p.queues.calls.getJob(autostart);
    await job!.promote(); // its time comes
    await waitFor(
      async () => ((await job!.isCompleted()) || (await job!.isFailed()) ? true : undefined),
      "the auto-start to run",
    );

    expect(p.sandbox.calls(newId).filter((c) => c.state !== "discarded")).toEqual([]);
    const said = p.sandbox.botMessages(newId).map((m) => m.text ?? "");
    expect(said.filter((text) => /started automatically/.test(text))).toEqual([]);
    expect(await callsListIn(newId)).not.toMatch(/Retro.*(live|scheduled)/);
  });

  it("a recurring rule creates its next occurrence in the supergroup, where its report goes", async () => {
    let workerNow = Date.now();
    p = await start({ worker: { now: () => workerNow } });
    const { reply } = await p.ask(
      WHO.olga,
      WHO.oldGroup,
      `/newcall Daily sync every day ${dailyTimeAhead()}`,
    );
    expect(reply.text).toContain("🔁 Recurring video chat “Daily sync”");
    const [scheduler] = await p.queues.calls.getJobSchedulers();
    // The next occurrence is less than a day away: the first occurrence is created in the old group.
    const first = await waitFor(() => p.sandbox.calls(WHO.oldGroup)[0], "the first occurrence");
    const firstDate = first.scheduleDate!; // a discarded call has no date any more

    const newId = p.sandbox.migrateGroup(WHO.oldGroup, WHO.olga);
    const moved = await waitFor(async () => {
      const [now] = await p.queues.calls.getJobSchedulers();
      const data = now?.template?.data as { target?: { chatId?: number } } | undefined;
      return data?.target?.chatId === newId ? now : undefined;
    }, "the rule to follow");
    expect(moved.key).toBe(scheduler!.key);
    expect(await callsListIn(newId)).toContain("Daily sync");

    // The first call ends, a day passes, and the rule fires at once rather than at its time.
    p.sandbox.world.discardGroupCall(WHO.olga, first.id);
    workerNow = firstDate * 1000 + 60_000;
    await p.queues.calls.upsertJobScheduler(
      moved.key,
      { every: 300 },
      { name: moved.name, data: moved.template?.data, opts: moved.template?.opts ?? {} },
    );
    const second = await waitFor(
      () => p.sandbox.calls(newId)[1],
      "the next occurrence in the supergroup",
      20_000,
    );
    expect(second).toMatchObject({ title: "Daily sync", state: "scheduled" });
    const told = await p.sandbox.waitForBotMessage(
      newId,
      (m) => /Daily sync/.test(m.text ?? "") && /scheduled/.test(m.text ?? ""),
      { timeoutMs: 20_000 },
    );
    expect(told.text).toContain("«Old Group»");
  });

  it("a report whose ack is in the old group (the job ran before the upgrade) is sent in the supergroup, once", async () => {
    p = await start({ worker: false });
    const { sent, reply } = await p.ask(WHO.olga, WHO.oldGroup, "/newcall Review");
    const job = await waitFor(() => p.queues.calls.getJob(`newcall_${WHO.oldGroup}_${sent.id}`), "the job");
    const request = job.data; // as the worker read it, before the upgrade
    const newId = p.sandbox.migrateGroup(WHO.oldGroup, WHO.olga);

    await p.queues.results.add("result", {
      v: 1,
      kind: "create-call",
      request,
      outcome: { status: "created", call: { id: "1", accessHash: "2", title: "Review", rtmp: false } },
      finishedAt: Date.now(),
    });
    const told = await p.sandbox.waitForBotMessage(newId, (m) => /Review/.test(m.text ?? ""), {
      timeoutMs: 15_000,
    });
    expect(told.text).toMatch(/“Review” is live now in «Old Group»/);
    await waitFor(
      async () => ((await p.queues.results.getCompletedCount()) === 1 ? true : undefined),
      "delivered",
    );
    expect(p.sandbox.botMessages(newId).filter((m) => /Review/.test(m.text ?? ""))).toHaveLength(1);
    // The old group's messages cannot be edited any more; its "queued" message stays as it was.
    expect(p.sandbox.world.getMessage(WHO.oldGroup, reply.id)?.editHistory).toEqual([]);
  });
});
