import { autostartJobId, CALL_JOB_DEFAULTS, CALL_JOB_NAMES, recurringRequestId } from "@callbot/shared";
import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import {
  actionRequest,
  actionResults,
  addAction,
  callMadeByHand,
  finalActionResult,
} from "./support/call-actions.ts";
import { harnessPerTest } from "./support/worker-harness.ts";

describe("call actions under account-wide conditions", () => {
  const h = harnessPerTest({ worker: false });

  it("FLOOD_WAIT on an action: one delayed notice, then the action done once", async () => {
    await h.startWorker().ready;
    const call = callMadeByHand(h, DEMO_CHATS.privateTeam);
    h.sandbox.faults.mtproto({
      method: "phone.discardGroupCall",
      action: { kind: "flood", seconds: 2 },
      times: 1,
    });
    const end = actionRequest(DEMO_CHATS.privateTeam, "end", {
      call: { id: call.id, accessHash: call.accessHash },
    });
    await addAction(h, end);

    const result = await finalActionResult(h, end.requestId, 15_000);
    expect(result.outcome).toMatchObject({ status: "done", call: { state: "discarded" } });
    const all = await actionResults(h, end.requestId);
    expect(all.map((r) => r.outcome.status)).toEqual(["delayed", "done"]);
    expect(all[0]!.outcome).toEqual({ status: "delayed", delaySeconds: 2 });
    expect((await h.finishedJob(end.requestId)).attemptsMade).toBe(1);
  });

  it("a dead session fails waiting user actions but keeps planned auto-starts and rule ticks for later", async () => {
    await h.startWorker().ready;
    const scheduled = callMadeByHand(h, DEMO_CHATS.community, { scheduleInSeconds: 3600 });
    // Planned work, as the worker and the bot leave it in the queue.
    const autostart = actionRequest(DEMO_CHATS.community, "start", {
      requestId: autostartJobId(scheduled.id),
      call: { id: scheduled.id, accessHash: scheduled.accessHash },
      onlyIfScheduled: true,
    });
    delete autostart.ack;
    await addAction(h, autostart, { delay: 3_600_000 });
    await h.calls.add(
      CALL_JOB_NAMES.recurringOccurrence,
      { ruleId: "r" },
      { jobId: "tick_later", delay: 3_600_000 },
    );
    // A user waits on this one.
    const waitingEnd = actionRequest(DEMO_CHATS.channel, "end", { call: { id: "1", accessHash: "1" } });
    await addAction(h, waitingEnd, { delay: 60_000 });

    h.sandbox.faults.mtproto({
      method: "*",
      action: { kind: "error", code: 401, message: "AUTH_KEY_UNREGISTERED" },
    });
    const running = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(running);
    expect((await h.finalResult(running.requestId)).outcome).toMatchObject({ status: "failed" });

    expect((await finalActionResult(h, waitingEnd.requestId)).outcome).toEqual({
      status: "failed",
      failure: { errorName: "AUTH_KEY_UNREGISTERED", category: "session" },
    });
    await waitFor(
      async () => ((await h.calls.getJob(waitingEnd.requestId)) ? undefined : true),
      "the waiting action removed",
    );
    expect(await h.calls.getJobState(autostartJobId(scheduled.id))).toBe("delayed");
    expect(await h.calls.getJobState("tick_later")).toBe("delayed");
    expect(await actionResults(h, autostart.requestId)).toEqual([]);
  });

  it("a recurring occurrence's flood wait sends no notice (no message waits for it), only the result", async () => {
    await h.startWorker().ready;
    h.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: 1 },
      times: 1,
    });
    const occurrence = Math.floor(Date.now() / 1000) + 3600;
    const request = h.request({
      requestId: recurringRequestId("flood-rule", occurrence),
      requester: { userId: DEMO.olga, chatId: DEMO.olga },
      target: DEMO_CHATS.privateTeam,
      scheduleDate: occurrence,
      recurrence: { ruleId: "flood-rule", occurrence },
    });
    delete request.ack;
    await h.calls.add(CALL_JOB_NAMES.createCall, request, { ...CALL_JOB_DEFAULTS, jobId: request.requestId });
    expect((await h.finalResult(request.requestId, 15_000)).outcome.status).toBe("created");
    expect((await h.resultsFor(request.requestId)).map((r) => r.outcome.status)).toEqual(["created"]);
  });
});
