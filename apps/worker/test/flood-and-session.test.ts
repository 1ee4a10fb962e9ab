import { DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { harnessPerTest } from "./support/worker-harness.ts";

describe("account-wide conditions", () => {
  const h = harnessPerTest({ worker: false });

  it("FLOOD_WAIT 3 s: the requester is told of the delay, nothing is sent meanwhile, then exactly one call", async () => {
    await h.startWorker().ready;
    h.sandbox.resetCounters();
    h.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: 3 },
      times: 1,
    });

    const first = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(first);
    const delayed = await waitFor(
      async () => (await h.resultsFor(first.requestId)).find((r) => r.outcome.status === "delayed"),
      "the delayed notice",
    );
    const floodAt = Date.now();
    expect(delayed.outcome).toMatchObject({ status: "delayed", delaySeconds: 3 });

    // A second request during the wait must wait too: the whole account is paused.
    const second = h.request({ target: DEMO_CHATS.oldGroup });
    await h.addJob(second);

    const [firstResult, secondResult] = await Promise.all([
      h.finalResult(first.requestId, 15_000),
      h.finalResult(second.requestId, 15_000),
    ]);
    expect(firstResult.outcome.status).toBe("created");
    expect(secondResult.outcome.status).toBe("created");
    // Nothing succeeded before the wait was over, and nothing else was tried: 1 refused + 2 created.
    expect(firstResult.finishedAt).toBeGreaterThanOrEqual(floodAt + 2_000);
    expect(secondResult.finishedAt).toBeGreaterThanOrEqual(floodAt + 2_000);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(3);
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)).toHaveLength(1);
    // The delay used no attempt: the job completed on its first counted attempt.
    expect((await h.finishedJob(first.requestId)).attemptsMade).toBe(1);
    expect((await h.resultsFor(first.requestId)).filter((r) => r.outcome.status === "delayed")).toHaveLength(
      1,
    );
  });

  it("a dead session: one alert, the job and every waiting job fail with the session message, no more jobs taken", async () => {
    await h.startWorker().ready;
    h.sandbox.resetCounters();
    h.sandbox.faults.mtproto({
      method: "*",
      action: { kind: "error", code: 401, message: "AUTH_KEY_UNREGISTERED" },
    });
    const waiting = [h.request({ target: DEMO_CHATS.community }), h.request({ target: DEMO_CHATS.channel })];
    for (const request of waiting) await h.addJob(request, { delay: 60_000 });
    const running = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(running);

    for (const request of [running, ...waiting]) {
      expect((await h.finalResult(request.requestId)).outcome).toEqual({
        status: "failed",
        failure: { errorName: "AUTH_KEY_UNREGISTERED", category: "session" },
      });
    }
    const alerts = await waitFor(async () => {
      const found = (await h.resultMessages()).filter((m) => m.message.kind === "worker-alert");
      return found.length > 0 ? found : undefined;
    }, "the session-dead alert");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.message).toMatchObject({ alert: "session-dead", errorName: "AUTH_KEY_UNREGISTERED" });
    await waitFor(
      async () => ((await h.calls.getDelayedCount()) === 0 ? true : undefined),
      "waiting jobs removed",
    );

    // No retry storm, and a job queued afterwards is left alone (the worker is idle, not crashed).
    const later = h.request({ target: DEMO_CHATS.oldGroup });
    await h.addJob(later);
    const observedUntil = Date.now() + 1_000;
    await waitFor(() => (Date.now() > observedUntil ? true : undefined), "an observation window");
    expect(await h.calls.getJobState(later.requestId)).toBe("waiting");
    // The running job's first request (resolving the private chat) met the dead session; nothing followed.
    expect(h.mtprotoCount("messages.getDialogs")).toBe(1);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
  });

  it("a second worker on the same session refuses before it connects, naming the lock", async () => {
    await h.startWorker().ready;
    const connectsBefore = h.sandbox.counters().mtproto["help.getConfig"] ?? 0;

    const second = h.startWorker();
    await expect(second.ready).rejects.toThrow(/account-lock.*Stop the other worker/s);
    expect(h.sandbox.counters().mtproto["help.getConfig"] ?? 0).toBe(connectsBefore);
    await second.stop();

    // The first worker still serves.
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request);
    expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
  });

  it("a session the server does not know fails start-up within the deadline, saying what to do, instead of reconnecting for ever", async () => {
    const good = h.sandbox.info.sessions.callbot_assistant!;
    // Same address, another auth key: the server closes every connection that uses it.
    const unknown = `${good.slice(0, -12)}${good.slice(-12).replace(/[A-Za-z]/g, (c) => (c === "A" ? "B" : "A"))}`;
    const started = Date.now();
    const worker = h.startWorker({ config: h.config(unknown), connectTimeoutMs: 3_000 });
    await expect(worker.ready).rejects.toThrow(/no session was established within 3 s.*pnpm session/s);
    expect(Date.now() - started).toBeLessThan(10_000);
    await worker.stop();
  });

  it("stop() mid-job hands the job back within the grace time; a new worker finishes it with one call", async () => {
    const first = h.startWorker({ shutdownGraceMs: 300 });
    await first.ready;
    h.sandbox.resetCounters();
    h.sandbox.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hang" }, times: 1 });
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request);
    await waitFor(
      () => (h.mtprotoCount("phone.createGroupCall") === 1 ? true : undefined),
      "the call in flight",
    );

    const stopStarted = Date.now();
    await first.stop();
    expect(Date.now() - stopStarted).toBeLessThan(5_000);
    expect(await h.calls.getJobState(request.requestId)).toBe("waiting");
    expect(await h.resultsFor(request.requestId)).toHaveLength(0);

    await h.startWorker().ready;
    expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)).toHaveLength(1);
    expect(await h.resultsFor(request.requestId)).toHaveLength(1);
  });
});
