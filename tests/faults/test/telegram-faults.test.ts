import { describeTelegramError } from "@callbot/shared";
import { finishedJob, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { callRequest } from "./support/call-request.ts";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/** Checklist lines 9, 10, 11 and 28: Telegram misbehaves towards the worker; the user always hears. */
const { start } = pipelinePerTest();
let p: Pipeline;

function total(counters: Record<string, number>): number {
  return Object.values(counters).reduce((sum, n) => sum + n, 0);
}

describe("9: Telegram never answers createGroupCall", () => {
  it("each attempt times out, the bounded retries run out, and the requester gets a report, not silence", async () => {
    // Production's retry count (CALL_JOB_DEFAULTS) with its backoff shortened from 2 s to 0.2 s.
    p = await start({ worker: { invokeTimeoutMs: 800 }, callJobBackoffMs: 200 });
    p.sandbox.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hang" } });
    const { sent, reply } = await p.ask(WHO.olga, WHO.community, "/newcall Into the void");
    // 5 attempts with 0.2+0.4+0.8+1.6 s of backoff between them: about 7 s.
    const text = await p.outcome(reply, /could not/, 60_000);
    expect(text).toContain(
      describeTelegramError("TIMEOUT", {
        chatTitle: "Demo Community",
        userbotName: "@callbot_assistant",
      }).userMessage.slice(0, 40),
    );
    const job = await finishedJob(p.queues.calls, `newcall_${WHO.community}_${sent.id}`);
    expect(job.attemptsMade).toBe(5);
    expect(await job.getState()).toBe("failed");
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(5);
  });
});

describe("10: FLOOD_WAIT above the client's sleep threshold", () => {
  it("the job waits N s (not failed, not retried in a loop), nothing is sent meanwhile, the user is told", async () => {
    p = await start();
    const N = 4; // gramjs sleeps through waits up to 1 s itself (create-userbot-client.ts); 4 s reach us
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: N },
      times: 1,
    });
    const { sent, reply } = await p.ask(WHO.olga, WHO.community, "/newcall Busy hour");
    const jobId = `newcall_${WHO.community}_${sent.id}`;
    await p.outcome(reply, new RegExp(`asked the assistant to wait ${N} seconds`), 15_000);
    const toldAt = Date.now();
    const during = total(p.sandbox.counters().mtproto);
    expect(await p.queues.calls.getJobState(jobId)).not.toBe("failed");

    // Another owner's request during the wait must wait too: the whole account is paused.
    const other = await p.ask(WHO.olga, WHO.privateTeam, "/newcall Also busy");
    await waitFor(
      async () =>
        (await p!.queues.calls.getJobState(`newcall_${WHO.privateTeam}_${other.sent.id}`)) ? true : undefined,
      "the second job queued",
    );
    expect(total(p.sandbox.counters().mtproto)).toBe(during);

    const text = await p.outcome(reply, /live now/, 20_000);
    const waited = Date.now() - toldAt;
    expect(text).toMatch(/“Busy hour” is live now/);
    await p.outcome(other.reply, /live now/, 20_000);
    expect(waited).toBeGreaterThanOrEqual((N - 1) * 1000);
    // One refused attempt and one that worked for the first request, one for the second: no loop.
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(3);
    expect((await finishedJob(p.queues.calls, jobId)).attemptsMade).toBe(1); // the wait used no attempt
    expect(p.sandbox.calls(WHO.community)).toHaveLength(1);
  });
});

describe("11 and 28: the userbot's session dies", () => {
  it.each([["AUTH_KEY_UNREGISTERED"], ["SESSION_REVOKED"], ["USER_DEACTIVATED"]])(
    "%s: the worker stops taking jobs, the operators are alerted, waiting requesters are told, later ones hear at once that the assistant is offline",
    async (errorName) => {
      p = await start();
      const pipeline = p;
      pipeline.sandbox.faults.mtproto({
        method: "*",
        action: { kind: "error", code: 401, message: errorName },
      });
      // A request that waits in the queue (a scheduled retry) when the session dies.
      const waiting = callRequest({ chatId: WHO.privateTeam, title: "Private Team" }, { title: "Later" });
      await pipeline.queues.addCallJob(waiting, { delay: 60_000 });

      const { reply } = await pipeline.ask(WHO.olga, WHO.community, "/newcall Standup");
      const text = await pipeline.outcome(reply, /could not/);
      expect(text).toContain(
        describeTelegramError(errorName, {
          chatTitle: "Demo Community",
          chatUsername: "demo_community",
          userbotName: "@callbot_assistant",
        }).userMessage,
      );
      expect(text).not.toContain(errorName); // the user gets what to do, not Telegram's error name

      // The operator (OWNER_IDS, in no chat) is alerted in private, once.
      const alert = await pipeline.sandbox.waitForBotMessage(
        WHO.oscar,
        (m) => /operator alert/.test(m.text ?? ""),
        {
          timeoutMs: 15_000,
        },
      );
      expect(alert.text).toContain(errorName);
      // The waiting requester is told too (a new message in the chat, since its ack does not exist).
      await waitFor(async () => {
        const results = await pipeline.queues.resultMessages();
        return results.some(
          (m) =>
            m.kind === "create-call" &&
            m.request.requestId === waiting.requestId &&
            m.outcome.status === "failed",
        )
          ? true
          : undefined;
      }, "the waiting request's failure");
      const told = await pipeline.sandbox.waitForBotMessage(
        WHO.privateTeam,
        (m) => /could not create the video chat “Later”/.test(m.text ?? ""),
        { timeoutMs: 15_000 },
      );
      expect(told.text).toMatch(/could not/);

      // Checklist 28: a later /newcall is answered at once that the assistant is offline and the
      // operators were told; it is not queued (it would wait for ever), and Telegram hears nothing more.
      const sentBefore = total(pipeline.sandbox.counters().mtproto);
      const later = await pipeline.ask(WHO.olga, WHO.oldGroup, "/newcall After");
      expect(later.reply.text).toMatch(/assistant account is offline/);
      expect(later.reply.text).toMatch(/operators have been told/);
      expect(later.reply.text).not.toMatch(/Queued/);
      expect(later.reply.text).not.toContain(errorName);
      const laterId = `newcall_${WHO.oldGroup}_${later.sent.id}`;
      expect(await pipeline.queues.calls.getJobState(laterId)).toBe("unknown");
      expect(total(pipeline.sandbox.counters().mtproto)).toBe(sentBefore);
      expect(
        pipeline.sandbox.botMessages(WHO.oscar).filter((m) => /operator alert/.test(m.text ?? "")),
      ).toHaveLength(1);
    },
  );
});
