import { waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist 36: the Bot API is unreachable for a while, or answers 429 with a retry_after longer
 * than a call may sleep. Replies and reports resume within seconds of recovery; none is lost,
 * none is sent twice, and no result spends its attempts on the wait.
 */
const { start } = pipelinePerTest();
let p: Pipeline;

/** Every version a message had (its edits, then its text now) that matches. */
function versionsMatching(chatId: number, messageId: number, pattern: RegExp): string[] {
  const message = p.sandbox.world.getMessage(chatId, messageId);
  return [...(message?.editHistory ?? []), message?.text ?? ""].filter((text) => pattern.test(text));
}

async function everyResultDelivered(count: number) {
  return waitFor(async () => {
    const done = await p.queues.results.getJobs(["completed"]);
    return done.length >= count ? done : undefined;
  }, `${count} results delivered`);
}

describe("36: the Bot API unreachable, or asking for a long wait", () => {
  it("an outage: the report and a command sent meanwhile go through within seconds of its end, once each", async () => {
    p = await start();
    // The call takes a moment, so that its report is ready while the Bot API is down.
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "delay", ms: 1_500 },
      times: 1,
    });
    const first = await p.ask(WHO.olga, WHO.community, "/newcall Outage");
    p.sandbox.botApiDown();
    const during = await p.sandbox.sendText({
      from: WHO.olga,
      chatId: WHO.privateTeam,
      text: "/newcall During",
    });

    // The report is put aside again and again while the Bot API is down; it never fails.
    const waiting = await waitFor(
      async () => {
        const [job] = await p.queues.results.getJobs(["delayed", "active", "wait"]);
        return job && job.attemptsStarted >= 4 ? job : undefined;
      },
      "the report put aside several times",
      60_000,
    );
    expect(await p.queues.results.getFailedCount()).toBe(0);
    expect(waiting.attemptsMade).toBe(0);

    p.sandbox.botApiUp();
    const upAt = Date.now();
    await p.outcome(first.reply, /“Outage” is live now/, 20_000);
    const reportAfterMs = Date.now() - upAt;
    const reply = await p.sandbox.waitForBotMessage(
      WHO.privateTeam,
      (m) => m.replyToMessageId === during.id,
      {
        timeoutMs: 20_000,
      },
    );
    const replyAfterMs = Date.now() - upAt;
    await p.outcome(reply, /“During” is live now/, 20_000);

    // Within seconds: the longest pause between tries is 5 s, plus a second's network retry.
    expect(reportAfterMs).toBeLessThan(10_000);
    expect(replyAfterMs).toBeLessThan(10_000);
    // Once each: one final report per request, one reply to the command.
    expect(versionsMatching(WHO.community, first.reply.id, /live now/)).toHaveLength(1);
    expect(versionsMatching(WHO.privateTeam, reply.id, /live now/)).toHaveLength(1);
    expect(
      p.sandbox.botMessages(WHO.privateTeam).filter((m) => m.replyToMessageId === during.id),
    ).toHaveLength(1);
    const delivered = await everyResultDelivered(2);
    // BullMQ counts the attempt that completed: 1 means none was spent on the outage.
    expect(delivered.map((job) => job.attemptsMade)).toEqual([1, 1]);
  });

  it("a 429 with a retry_after longer than a call may sleep: the report waits that long, spends no attempt, arrives once", async () => {
    // In production a call sleeps through waits up to 60 s; here up to 1 s, so a 3 s wait is "long".
    p = await start({ botApiRetry: { maxWaitSeconds: 1 } });
    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall Flooded");
    p.sandbox.faults.botApi({ method: "editMessageText", action: { kind: "429", retryAfter: 3 }, times: 1 });
    const askedAt = Date.now();
    await p.outcome(reply, /“Flooded” is live now/, 20_000);
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(2_500);
    expect(versionsMatching(WHO.community, reply.id, /live now/)).toHaveLength(1);
    const [delivered] = await everyResultDelivered(1);
    expect(delivered!.attemptsMade).toBe(1); // the completing attempt only
    expect(p.sandbox.counters().botApi.editMessageText).toBe(2);
  });
});
