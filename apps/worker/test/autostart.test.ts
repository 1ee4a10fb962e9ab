import { ENDED_CALL_LOOKUP_VALUES } from "@callbot/sandbox";
import { autostartJobId, CALL_JOB_NAMES } from "@callbot/shared";
import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import type { Job } from "bullmq";
import { describe, expect, it } from "vitest";
import { callReaches, finalActionResult } from "./support/call-actions.ts";
import { harnessPerTest } from "./support/worker-harness.ts";

/** Telegram's minimum is 10 s ahead; a little more so the create-call job still passes its own check. */
const SOON_SECONDS = 12;

describe("auto-start of scheduled calls", () => {
  const h = harnessPerTest({ worker: false });

  async function createWithAutostart(scheduleInSeconds: number) {
    const scheduleDate = Math.floor(Date.now() / 1000) + scheduleInSeconds;
    const request = h.request({
      target: DEMO_CHATS.privateTeam,
      scheduleDate,
      autostart: true,
      title: "Auto",
    });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId);
    if (result.outcome.status !== "created")
      throw new Error(`not created: ${JSON.stringify(result.outcome)}`);
    return { request, call: result.outcome.call };
  }

  async function autostartJob(callId: string): Promise<Job> {
    const job = await h.calls.getJob(autostartJobId(callId));
    if (!job) throw new Error("no auto-start job");
    return job;
  }

  it("starts the call at its time by itself, even when the worker restarted in between", {
    timeout: 45_000,
  }, async () => {
    const first = h.startWorker();
    await first.ready;
    const { call } = await createWithAutostart(SOON_SECONDS);
    expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("scheduled");

    const job = await autostartJob(call.id);
    expect(job.name).toBe(CALL_JOB_NAMES.callAction);
    expect(await job.getState()).toBe("delayed");
    expect(Math.abs(job.timestamp + (job.delay ?? 0) - (call.scheduleDate ?? 0) * 1000)).toBeLessThan(1_000);

    // The worker goes away before the time; a new one (a restart) takes over from Redis.
    await first.stop();
    expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("scheduled");
    await h.startWorker().ready;

    const started = await callReaches(h, call.id, "active", (SOON_SECONDS + 15) * 1000);
    expect(started.startedAt).toBeGreaterThanOrEqual(call.scheduleDate ?? Number.POSITIVE_INFINITY);
    const result = await finalActionResult(h, autostartJobId(call.id));
    expect(result.outcome).toMatchObject({ status: "done", call: { id: call.id, state: "active" } });
    // No message waits for it: the bot posts a new one, in the chat where the call starts.
    expect(result.request.ack).toBeUndefined();
    // For the user who scheduled it, marked automatic by its origin (the bot words its report by that).
    expect(result.request.requester).toEqual({ userId: DEMO.olga, chatId: DEMO_CHATS.privateTeam.chatId });
    expect(result.request.origin).toBe("autostart");
    expect(h.mtprotoCount("phone.startScheduledGroupCall")).toBe(1);
  });

  it("does nothing when the call was started by hand meanwhile: no start request at all", async () => {
    await h.startWorker().ready;
    const { call } = await createWithAutostart(3600);
    h.sandbox.world.startScheduledGroupCall(DEMO.assistant, call.id);
    h.sandbox.resetCounters();

    // Its time comes (promoted, rather than waiting an hour).
    await (await autostartJob(call.id)).promote();
    const result = await finalActionResult(h, autostartJobId(call.id));

    expect(result.outcome).toEqual({ status: "skipped", reason: "already-started" });
    expect(h.mtprotoCount("phone.startScheduledGroupCall")).toBe(0);
    expect(h.mtprotoCount("phone.getGroupCall")).toBe(1);
    expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("active");
  });

  it.each(ENDED_CALL_LOOKUP_VALUES)(
    "does nothing when the call was discarded by hand meanwhile (Telegram's lookup of an ended call: %s)",
    async (endedCallLookup) => {
      h.sandbox.world.configure({ endedCallLookup });
      await h.startWorker().ready;
      const { call } = await createWithAutostart(3600);
      h.sandbox.world.discardGroupCall(DEMO.assistant, call.id);
      h.sandbox.resetCounters();

      const job = await autostartJob(call.id);
      await job.promote();
      const result = await finalActionResult(h, autostartJobId(call.id));

      // Skipped as ended: no failure for the bot to report, no start claimed, no failed job left.
      expect(result.outcome).toEqual({ status: "skipped", reason: "already-ended" });
      await waitFor(
        async () => ((await job.getState()) === "completed" ? true : undefined),
        "the job to complete",
      );
      expect(h.mtprotoCount("phone.getGroupCall")).toBe(1);
      expect(h.mtprotoCount("phone.startScheduledGroupCall")).toBe(0);
      expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("discarded");
    },
  );

  it("one auto-start per call, however often its create-call runs", async () => {
    await h.startWorker().ready;
    const { request, call } = await createWithAutostart(3600);
    // The same request again (as a retry would send it): Telegram hands back the same call.
    await h.addJob(request, { jobId: `${request.requestId}_again` });
    await waitFor(async () => {
      const again = await h.calls.getJob(`${request.requestId}_again`);
      return again?.finishedOn ? again : undefined;
    }, "the repeated create-call to finish");

    const actions = (await h.calls.getJobs(["delayed", "waiting"])).filter(
      (job) => job.name === CALL_JOB_NAMES.callAction,
    );
    expect(actions.map((job) => job.id)).toEqual([autostartJobId(call.id)]);
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)).toHaveLength(1);
  });

  it("a call that starts now gets no auto-start", async () => {
    await h.startWorker().ready;
    const request = h.request({ target: DEMO_CHATS.privateTeam, autostart: true });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId);
    expect(result.outcome.status).toBe("created");
    const actions = (await h.calls.getJobs(["delayed", "waiting"])).filter(
      (job) => job.name === CALL_JOB_NAMES.callAction,
    );
    expect(actions).toEqual([]);
  });
});
