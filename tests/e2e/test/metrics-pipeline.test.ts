import { DEMO, waitFor } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";
import { getEndpoint, metricValue } from "./support/scrape.ts";

/** Issue 14: both processes serve /healthz, /readyz and /metrics (METRICS_LISTEN) while real requests run. */
describe("health and metrics while requests run through the whole pipeline", () => {
  let p: Pipeline;
  let botPort: number;
  let workerPort: number;
  const scrape = async (port: number) => (await getEndpoint(port, "/metrics")).body;

  beforeEach(async () => {
    p = await startPipeline({ metrics: true });
    botPort = p.bot.metricsPort ?? Number.NaN;
    workerPort = p.worker.metricsPort() ?? Number.NaN;
  });
  afterEach(async () => {
    await p.close();
  });

  it("both are alive and ready once started, and the counters move as a /newcall does", async () => {
    for (const port of [botPort, workerPort]) {
      expect((await getEndpoint(port, "/healthz")).status).toBe(200);
      const ready = await getEndpoint(port, "/readyz");
      expect(ready.status, ready.body).toBe(200);
      expect(JSON.parse(ready.body)).toMatchObject({ ready: true });
    }
    const createCall = { method: "phone.CreateGroupCall", error: "none" };
    const workerBefore = await scrape(workerPort);
    expect(metricValue(workerBefore, "callbot_telegram_requests_total", createCall)).toBe(0);
    expect(metricValue(workerBefore, "callbot_session_state", { state: "online" })).toBe(1);
    // Node's defaults are there, labelled with the process.
    expect(
      metricValue(workerBefore, "process_cpu_user_seconds_total", { process: "worker" }),
    ).toBeGreaterThan(0);
    const createCallDurations = { queue: "calls", name: "create-call", outcome: "completed" };
    expect(metricValue(workerBefore, "callbot_job_duration_seconds_count", createCallDurations)).toBe(0);
    const botBefore = await scrape(botPort);
    const sendsBefore = metricValue(botBefore, "callbot_bot_api_requests_total", {
      method: "sendMessage",
      error: "none",
    });

    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Standup");
    await p.outcome(reply, /live now/);

    const workerAfter = await scrape(workerPort);
    expect(metricValue(workerAfter, "callbot_telegram_requests_total", createCall)).toBe(1);
    expect(
      metricValue(workerAfter, "callbot_telegram_requests_total", {
        method: "phone.ExportGroupCallInvite",
        error: "none",
      }),
    ).toBe(1);
    // The result counts once the bot has finished with it (just after the edit the user sees).
    await waitFor(
      async () =>
        metricValue(await scrape(botPort), "callbot_newcall_results_total", { status: "created" }) === 1,
      "the created call counted by the bot",
    );
    const botAfter = await scrape(botPort);
    // Job durations: the worker timed the create-call job, the bot the result it delivered.
    expect(metricValue(workerAfter, "callbot_job_duration_seconds_count", createCallDurations)).toBe(1);
    const workerSeconds = metricValue(workerAfter, "callbot_job_duration_seconds_sum", createCallDurations);
    expect(workerSeconds).toBeGreaterThan(0);
    expect(workerSeconds).toBeLessThan(15);
    // Every attempt falls in some bucket: the +Inf bucket equals the count.
    expect(
      metricValue(workerAfter, "callbot_job_duration_seconds_bucket", { ...createCallDurations, le: "+Inf" }),
    ).toBe(1);
    const resultDurations = { queue: "results", name: "create-call", outcome: "completed" };
    expect(metricValue(botBefore, "callbot_job_duration_seconds_count", resultDurations)).toBe(0);
    expect(metricValue(botAfter, "callbot_job_duration_seconds_count", resultDurations)).toBe(1);
    expect(
      metricValue(botAfter, "callbot_reports_total", { kind: "create-call", outcome: "delivered" }),
    ).toBe(1);
    expect(
      metricValue(botAfter, "callbot_bot_api_requests_total", { method: "sendMessage", error: "none" }),
    ).toBe(sendsBefore + 1); // the "Queued" answer
    expect(
      metricValue(botAfter, "callbot_bot_api_requests_total", { method: "editMessageText", error: "none" }),
    ).toBeGreaterThanOrEqual(1);
    // The queues, as Redis holds them: the job is done, nothing waits or failed.
    for (const text of [botAfter, workerAfter]) {
      expect(text).toMatch(/callbot_queue_jobs\{queue="calls",state="waiting"/);
      expect(metricValue(text, "callbot_queue_jobs", { queue: "calls", state: "failed" })).toBe(0);
    }
    // Labels stay bounded: no chat or user id appears in any series.
    // (Only the labels are searched: a value like a heap size or a duration may contain the digits.)
    for (const text of [botAfter, workerAfter]) {
      const labels = [...text.matchAll(/\{[^}]*\}/g)].map((match) => match[0]).join("\n");
      expect(labels).toContain('queue="calls"');
      for (const id of [DEMO.community, DEMO.olga, DEMO.assistant]) expect(labels).not.toContain(String(id));
    }
  });

  it("a flood wait makes the worker not ready until it ends, with its end in /readyz, and is counted", async () => {
    // gramjs sleeps through waits up to 1 s itself; longer ones reach the worker. 8 s leaves the
    // wait in force while the bot tells the user about it, even on a loaded machine.
    const N = 8;
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: N },
      times: 1,
    });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Busy hour");
    await p.outcome(reply, new RegExp(`asked the assistant to wait ${N} seconds`), 15_000);

    const during = await getEndpoint(workerPort, "/readyz");
    expect(during.status).toBe(503);
    const body = JSON.parse(during.body) as { ready: boolean; details?: { floodWaitUntil?: string } };
    expect(body.ready).toBe(false);
    const until = Date.parse(body.details?.floodWaitUntil ?? "");
    expect(until).toBeGreaterThan(Date.now());
    expect(until).toBeLessThanOrEqual(Date.now() + (N + 1) * 1000);
    const metrics = await scrape(workerPort);
    expect(metricValue(metrics, "callbot_flood_waits_total")).toBe(1);
    expect(metricValue(metrics, "callbot_flood_wait_seconds_total")).toBe(N);
    expect(
      metricValue(metrics, "callbot_telegram_requests_total", {
        method: "phone.CreateGroupCall",
        error: "FLOOD_WAIT",
      }),
    ).toBe(1);
    // The bot does not depend on the worker's flood wait: it still takes commands.
    expect((await getEndpoint(botPort, "/readyz")).status).toBe(200);

    await p.outcome(reply, /live now/, 30_000);
    await waitFor(
      async () => (await getEndpoint(workerPort, "/readyz")).status === 200,
      "the worker ready again after the wait",
    );
  }, 60_000);

  it("a dead session makes the worker not ready, and the session state says so", async () => {
    p.sandbox.faults.mtproto({
      method: "*",
      action: { kind: "error", code: 401, message: "AUTH_KEY_UNREGISTERED" },
    });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Standup");
    await p.outcome(reply, /could not/);

    await waitFor(
      async () => (await getEndpoint(workerPort, "/readyz")).status === 503,
      "the worker not ready after its session died",
    );
    const body = JSON.parse((await getEndpoint(workerPort, "/readyz")).body) as {
      checks: Record<string, unknown>;
    };
    expect(body.checks.session).toBe("the session is session-dead");
    const metrics = await scrape(workerPort);
    expect(metricValue(metrics, "callbot_session_state", { state: "session-dead" })).toBe(1);
    expect(metricValue(metrics, "callbot_session_state", { state: "online" })).toBe(0);
    expect(
      metricValue(metrics, "callbot_telegram_requests_total", { error: "AUTH_KEY_UNREGISTERED" }),
    ).toBeGreaterThanOrEqual(1);
    // /healthz still answers: the process is alive, only unable to work.
    expect((await getEndpoint(workerPort, "/healthz")).status).toBe(200);
  });
});
