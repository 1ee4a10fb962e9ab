import { demoWorldPath, readWorldFixture } from "@callbot/sandbox";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PeerCache } from "../src/peers/peer-cache.ts";
import { CHATS, USERBOT_ID, WorkerHarness } from "./support/worker-harness.ts";

/** Olga, who owns Private Team, set up as a second assistant account (a second session). */
const SECOND_ACCOUNT = { id: 1001, username: "olga_owner" } as const;
const PRIVATE_TEAM = 1500000003;

function demoWithTwoAssistantAccounts() {
  const fixture = readWorldFixture(demoWorldPath);
  return { ...fixture, userbots: [USERBOT_ID, SECOND_ACCOUNT.id] };
}

describe("access hashes are per account (Telegram's are account-bound)", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("a new assistant account on the same Redis prefix works at once for a chat the old one had cached", async () => {
    h = await WorkerHarness.start({ world: demoWithTwoAssistantAccounts() });
    const first = h.startWorker();
    await first.ready;
    const before = h.request({ target: CHATS.privateTeam });
    await h.addJob(before);
    expect((await h.finalResult(before.requestId)).outcome.status).toBe("created");
    // The first account's hash for the private chat is now cached; its call ends.
    const firstCall = h.sandbox.world.currentCall(PRIVATE_TEAM)!;
    h.sandbox.world.discardGroupCall(USERBOT_ID, firstCall.id);
    await first.stop();

    h.sandbox.resetCounters();
    const session = h.sandbox.info.sessions[SECOND_ACCOUNT.username]!;
    await h.startWorker({ config: h.config(session) }).ready;
    const after = h.request({ target: CHATS.privateTeam });
    await h.addJob(after);

    const result = await h.finalResult(after.requestId);
    expect(result.outcome.status).toBe("created");
    expect(h.sandbox.world.currentCall(PRIVATE_TEAM)?.createdBy).toBe(SECOND_ACCOUNT.id);
    // The new account looked the chat up for itself and was never refused a foreign hash.
    expect(h.mtprotoCount("messages.getDialogs")).toBe(1);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect((await h.calls.getJob(after.requestId))?.attemptsMade).toBe(1);
  });

  it("a cached hash Telegram refuses (CHANNEL_INVALID) is dropped and looked up again, once: the call is made", async () => {
    h = await WorkerHarness.start();
    const cache = new PeerCache(h.connection, h.prefix, USERBOT_ID);
    // A stale entry: the hash Telegram gave another account.
    const foreign = h.sandbox.world.accessHash("chat", PRIVATE_TEAM, SECOND_ACCOUNT.id);
    await cache.remember([{ channelId: String(PRIVATE_TEAM), accessHash: foreign }]);
    await h.startWorker().ready;
    h.sandbox.resetCounters();

    const request = h.request({ target: CHATS.privateTeam });
    await h.addJob(request);

    expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
    expect(h.sandbox.calls(CHATS.privateTeam.chatId)).toHaveLength(1);
    // One refused request (the read of the chat's call), one dialog scan, then the read and the
    // create again; no retry used.
    expect(h.mtprotoCount("channels.getFullChannel")).toBe(2);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect(h.mtprotoCount("messages.getDialogs")).toBe(1);
    expect((await h.calls.getJob(request.requestId))?.attemptsMade).toBe(1);
    expect((await cache.byChannelId(PRIVATE_TEAM))?.accessHash).toBe(
      h.sandbox.world.accessHash("chat", PRIVATE_TEAM, USERBOT_ID),
    );
  });
});

describe("chats the assistant is not in", () => {
  let h: WorkerHarness;
  beforeEach(async () => {
    h = await WorkerHarness.start();
    await h.startWorker().ready;
    h.sandbox.resetCounters();
  });
  afterEach(async () => {
    await h.close();
  });

  it("35: requests naming a chat the assistant is not in cost at most one Telegram request per chat per cache period", async () => {
    const requests = [1, 2, 3].map(() => h.request({ target: CHATS.lockedRoom }));
    for (const request of requests) {
      await h.addJob(request);
      const result = await h.finalResult(request.requestId);
      expect(result.outcome).toEqual({
        status: "failed",
        failure: { errorName: "CHANNEL_PRIVATE", category: "user" },
      });
    }
    const counts = h.sandbox.counters().mtproto;
    const telegramRequests = Object.entries(counts)
      .filter(([method]) => method !== "help.getConfig")
      .reduce((sum, [, n]) => sum + n, 0);
    // The first request's dialog scan; the next two are refused from the cache.
    expect(counts["messages.getDialogs"]).toBe(1);
    expect(telegramRequests).toBe(1);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);

    // Another chat is not affected.
    const other = h.request({ target: CHATS.privateTeam });
    await h.addJob(other);
    expect((await h.finalResult(other.requestId)).outcome.status).toBe("created");
  });
});
