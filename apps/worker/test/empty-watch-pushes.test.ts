import {
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type EmptyWatchRequest,
  emptyWatchJobId,
  type TargetChat,
} from "@callbot/shared";
import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { harnessPerTest } from "./support/worker-harness.ts";

const MINUTE_MS = 200;

describe("the end-when-empty watch and pushed participant counts", () => {
  const h = harnessPerTest({ worker: { emptyWatchMinuteMs: MINUTE_MS } });

  it("a count Telegram stopped pushing is looked at again after ten quiet minutes, and the empty call ends", async () => {
    const target: TargetChat = DEMO_CHATS.community;
    const create = h.request({ target });
    await h.addJob(create);
    expect((await h.finalResult(create.requestId)).outcome.status).toBe("created");
    const call = h.sandbox.calls(DEMO.community)[0];
    if (!call) throw new Error("no call");
    const jobId = emptyWatchJobId(call.id);
    const watch: EmptyWatchRequest = {
      v: 1,
      kind: "empty-watch",
      requestId: jobId,
      target,
      call: { id: call.id, accessHash: call.accessHash },
      emptyMinutes: 1,
      requestedAt: Date.now(),
    };
    await h.calls.add(CALL_JOB_NAMES.emptyWatch, watch, { ...CALL_JOB_DEFAULTS, jobId });
    const ticks = async () => ((await h.calls.getJob(jobId))?.progress as { ticks?: number })?.ticks ?? 0;
    await waitFor(async () => (await ticks()) >= 1 || undefined, "the watch's first look");
    // Someone joins, and the assistant hears it pushed; then Telegram pushes nothing more (a
    // missed update, or a session it no longer serves) while they leave.
    h.sandbox.callParticipants(DEMO.community, { guests: 1 });
    await waitFor(async () => (await ticks()) >= 3 || undefined, "watch ticks with someone in the call");
    h.sandbox.resetCounters();
    h.sandbox.world.configure({ participantCountUpdates: "not-pushed" });
    h.sandbox.callParticipants(DEMO.community, { leave: "all" });

    await waitFor(
      () => h.sandbox.world.getGroupCall(call.id)?.state === "discarded" || undefined,
      "the empty call ended",
    );
    expect((await h.finishedJob(jobId)).returnvalue).toEqual({ status: "ended-empty" });
    // Bounded cost: the look after ten quiet minutes, and the one before the end.
    expect(h.mtprotoCount("phone.getGroupCall")).toBeLessThanOrEqual(2);
    expect(h.mtprotoCount("phone.discardGroupCall")).toBe(1);
  });
});
