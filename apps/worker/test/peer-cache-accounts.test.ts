import { demoWorldPath, readWorldFixture } from "@callbot/sandbox";
import { CALL_JOB_DEFAULTS, CALL_JOB_NAMES, type JoinChatRequest } from "@callbot/shared";
import { DEMO, DEMO_CHATS, finishedJob } from "@callbot/test-support";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PeerCache } from "../src/peers/peer-cache.ts";
import { nativeId } from "./support/call-actions.ts";
import { harnessPerTest, WorkerHarness } from "./support/worker-harness.ts";

/** Olga, who owns Private Team, set up as a second assistant account (a second session). */
const SECOND_ACCOUNT = { id: 1001, username: "olga_owner" } as const;
const PRIVATE_TEAM = nativeId(DEMO.privateTeam);
const COMMUNITY = nativeId(DEMO.community);

function demoWithTwoAssistantAccounts() {
  const fixture = readWorldFixture(demoWorldPath);
  return { ...fixture, userbots: [DEMO.assistant, SECOND_ACCOUNT.id] };
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
    const before = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(before);
    expect((await h.finalResult(before.requestId)).outcome.status).toBe("created");
    // The first account's hash for the private chat is now cached; its call ends.
    const firstCall = h.sandbox.world.currentCall(PRIVATE_TEAM)!;
    h.sandbox.world.discardGroupCall(DEMO.assistant, firstCall.id);
    await first.stop();

    h.sandbox.resetCounters();
    const session = h.sandbox.info.sessions[SECOND_ACCOUNT.username]!;
    await h.startWorker({ config: h.config(session) }).ready;
    const after = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(after);

    const result = await h.finalResult(after.requestId);
    expect(result.outcome.status).toBe("created");
    expect(h.sandbox.world.currentCall(PRIVATE_TEAM)?.createdBy).toBe(SECOND_ACCOUNT.id);
    // The new account looked the chat up for itself and was never refused a foreign hash.
    expect(h.mtprotoCount("messages.getDialogs")).toBe(1);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect((await finishedJob(h.calls, after.requestId)).attemptsMade).toBe(1);
  });

  it("a cached hash Telegram refuses (CHANNEL_INVALID) is dropped and looked up again, once: the call is made", async () => {
    h = await WorkerHarness.start();
    const cache = new PeerCache(h.connection, h.prefix, DEMO.assistant);
    // A stale entry: the hash Telegram gave another account.
    const foreign = h.sandbox.world.accessHash("chat", PRIVATE_TEAM, SECOND_ACCOUNT.id);
    await cache.remember([{ channelId: String(PRIVATE_TEAM), accessHash: foreign }]);
    await h.startWorker().ready;
    h.sandbox.resetCounters();

    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request);

    expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)).toHaveLength(1);
    // One refused request (the read of the chat's call), one dialog scan, then the read and the
    // create again; no retry used.
    expect(h.mtprotoCount("channels.getFullChannel")).toBe(2);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect(h.mtprotoCount("messages.getDialogs")).toBe(1);
    expect((await finishedJob(h.calls, request.requestId)).attemptsMade).toBe(1);
    expect((await cache.byChannelId(PRIVATE_TEAM))?.accessHash).toBe(
      h.sandbox.world.accessHash("chat", PRIVATE_TEAM, DEMO.assistant),
    );
  });
});

describe("chats the assistant is not in", () => {
  const h = harnessPerTest();

  it("35: requests naming a chat the assistant is not in cost at most one Telegram request per chat per cache period", async () => {
    const requests = [1, 2, 3].map(() => h.request({ target: DEMO_CHATS.lockedRoom }));
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
    const other = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(other);
    expect((await h.finalResult(other.requestId)).outcome.status).toBe("created");
  });
});

/** The demo world, but the assistant is not in Demo Community (a public chat, @demo_community). */
function demoWithoutAssistantInCommunity() {
  const fixture = readWorldFixture(demoWorldPath);
  return {
    ...fixture,
    chats: fixture.chats.map((chat) =>
      chat.username === DEMO_CHATS.community.username
        ? { ...chat, members: chat.members.filter((m) => m.userId !== DEMO.assistant) }
        : chat,
    ),
  };
}

describe("a public chat the assistant is not in", () => {
  let h: WorkerHarness;
  afterEach(async () => {
    await h.close();
  });

  it("35: requests naming it cost one Telegram request sequence per cache period; after it Telegram is asked again", async () => {
    h = await WorkerHarness.start({ world: demoWithoutAssistantInCommunity() });
    await h.startWorker({ notInChatTtlSeconds: 60 }).ready;
    h.sandbox.resetCounters();

    const requests = [1, 2, 3].map(() => h.request({ target: DEMO_CHATS.community }));
    for (const request of requests) {
      await h.addJob(request);
      expect((await h.finalResult(request.requestId)).outcome).toEqual({
        status: "failed",
        failure: { errorName: "CHAT_ADMIN_REQUIRED", category: "user" },
      });
    }
    const firstPeriod = { ...h.sandbox.counters().mtproto };
    delete firstPeriod["help.getConfig"];
    // The first request's sequence, once: the username lookup (Telegram says the account has left),
    // the read of the chat's call and the refused create; the next two are refused from the
    // cache before any Telegram request.
    expect(firstPeriod).toEqual({
      "contacts.resolveUsername": 1,
      "channels.getFullChannel": 1,
      "phone.createGroupCall": 1,
    });

    // The memory lasts the cache period passed in; Redis's clock is the one that ends it.
    const notInKey = `${h.prefix}:peer:${DEMO.assistant}:not-in:${DEMO_CHATS.community.chatId}`;
    const ttl = await h.connection.ttl(notInKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    await h.connection.pexpire(notInKey, 1);
    const cache = new PeerCache(h.connection, h.prefix, DEMO.assistant);
    await vi.waitFor(async () => expect(await cache.notIn(DEMO_CHATS.community.chatId)).toBeUndefined(), {
      timeout: 5_000,
    });

    // The owner has added the assistant meanwhile: the next request asks Telegram and is served.
    h.sandbox.setRole(DEMO_CHATS.community.chatId, DEMO.assistant, {
      status: "admin",
      rights: { manageCall: true, other: true },
    });
    const after = h.request({ target: DEMO_CHATS.community });
    await h.addJob(after);
    expect((await h.finalResult(after.requestId)).outcome.status).toBe("created");
    expect(h.mtprotoCount("contacts.resolveUsername")).toBe(2);
  });

  it("a /setup join is not refused from that memory, and clears it: the next request asks Telegram", async () => {
    h = await WorkerHarness.start({ world: demoWithoutAssistantInCommunity() });
    await h.startWorker().ready;
    const refused = h.request({ target: DEMO_CHATS.community });
    await h.addJob(refused);
    expect((await h.finalResult(refused.requestId)).outcome.status).toBe("failed");

    const join: JoinChatRequest = {
      v: 1,
      kind: "join-chat",
      requestId: `join_${DEMO_CHATS.community.chatId}`,
      requester: { userId: DEMO.olga, chatId: DEMO_CHATS.community.chatId },
      ack: { chatId: DEMO_CHATS.community.chatId, messageId: 900 },
      target: DEMO_CHATS.community,
      chatType: "supergroup",
      via: "public",
      requestedAt: Date.now(),
    };
    await h.calls.add(CALL_JOB_NAMES.joinChat, join, { ...CALL_JOB_DEFAULTS, jobId: join.requestId });
    const joined = await vi.waitFor(
      async () => {
        const result = (await h.resultMessages()).flatMap(({ message }) =>
          message.kind === "join-chat" && message.request.requestId === join.requestId ? [message] : [],
        )[0];
        expect(result).toBeDefined();
        return result;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(joined?.outcome).toEqual({ status: "joined" });
    expect(h.sandbox.world.memberRole(COMMUNITY, DEMO.assistant)?.status).toBe("member");

    // The owner makes the new member an admin: the next request is served at once.
    h.sandbox.setRole(DEMO_CHATS.community.chatId, DEMO.assistant, {
      status: "admin",
      rights: { manageCall: true, other: true },
    });
    const after = h.request({ target: DEMO_CHATS.community });
    await h.addJob(after);
    expect((await h.finalResult(after.requestId)).outcome.status).toBe("created");
  });
});
