import { DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { harnessPerTest } from "./support/worker-harness.ts";

/** A username lookup that Telegram answers with a long wait, as it does in production. */
const LONG_WAIT_SECONDS = 1800;

describe("flood waits are held per method", () => {
  const h = harnessPerTest({ worker: false });

  it("34: a long wait on contacts.resolveUsername holds back only the jobs that need a lookup; calls in other chats go on", async () => {
    h.sandbox.world.configure({
      methodFloods: {
        "contacts.resolveUsername": { requests: 0, perSeconds: 3600, waitSeconds: LONG_WAIT_SECONDS },
      },
    });
    await h.startWorker().ready;
    h.sandbox.resetCounters();

    // A public chat whose access hash is not cached: it needs a username lookup, which floods.
    const needsLookup = h.request({ target: DEMO_CHATS.community });
    await h.addJob(needsLookup);
    const delayed = await waitFor(
      async () => (await h.resultsFor(needsLookup.requestId)).find((r) => r.outcome.status === "delayed"),
      "the delayed notice",
    );
    expect(delayed.outcome).toMatchObject({ status: "delayed", delaySeconds: LONG_WAIT_SECONDS });

    // Another chat that needs a lookup waits too, without asking Telegram again.
    const alsoNeedsLookup = h.request({ target: DEMO_CHATS.channel });
    await h.addJob(alsoNeedsLookup);
    await waitFor(
      async () => (await h.resultsFor(alsoNeedsLookup.requestId)).find((r) => r.outcome.status === "delayed"),
      "the second delayed notice",
    );

    // Chats that need no lookup are served at once: a basic group and a private supergroup.
    const basicGroup = h.request({ target: DEMO_CHATS.oldGroup });
    const privateChat = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(basicGroup);
    await h.addJob(privateChat);
    expect((await h.finalResult(basicGroup.requestId)).outcome.status).toBe("created");
    expect((await h.finalResult(privateChat.requestId)).outcome.status).toBe("created");
    expect(h.mtprotoCount("contacts.resolveUsername")).toBe(1);

    // Both wait as delayed jobs for the rest of Telegram's wait: no attempt used, no loop.
    for (const request of [needsLookup, alsoNeedsLookup]) {
      const job = (await h.calls.getJob(request.requestId))!;
      expect(await job.getState()).toBe("delayed");
      expect(job.attemptsMade).toBe(0);
      expect(job.timestamp + job.delay).toBeGreaterThan(Date.now() + (LONG_WAIT_SECONDS - 60) * 1000);
    }
    expect(h.sandbox.calls(DEMO_CHATS.community.chatId)).toHaveLength(0);
    expect(h.sandbox.calls(DEMO_CHATS.channel.chatId)).toHaveLength(0);
  });

  it("a job delayed by a method's wait runs when the wait is over, on its first attempt, with one call", async () => {
    h.sandbox.world.configure({
      methodFloods: { "contacts.resolveUsername": { requests: 0, perSeconds: 3600, waitSeconds: 2 } },
    });
    await h.startWorker().ready;
    const request = h.request({ target: DEMO_CHATS.community });
    await h.addJob(request);
    await waitFor(
      async () => (await h.resultsFor(request.requestId)).find((r) => r.outcome.status === "delayed"),
      "the delayed notice",
    );
    const floodAt = Date.now();
    // The sandbox's wait is over after 2 s; its budget then allows the lookup again.
    h.sandbox.world.configure({ methodFloods: {} });

    const result = await h.finalResult(request.requestId, 15_000);
    expect(result.outcome.status).toBe("created");
    expect(result.finishedAt).toBeGreaterThanOrEqual(floodAt + 1_000);
    expect(h.sandbox.calls(DEMO_CHATS.community.chatId)).toHaveLength(1);
    expect((await h.finishedJob(request.requestId)).attemptsMade).toBe(1);
  });
});
