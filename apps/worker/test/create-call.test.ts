import { randomIdFromKey } from "@callbot/shared";
import { DEMO, DEMO_CHATS } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { harnessPerTest } from "./support/worker-harness.ts";

describe("creating calls through the queue", () => {
  const h = harnessPerTest({ worker: false });

  it("creates a call now with exactly one createGroupCall and reports it once", async () => {
    const worker = h.startWorker();
    await worker.ready;
    h.sandbox.resetCounters();

    const request = h.request({ title: "Standup", target: DEMO_CHATS.privateTeam });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId);

    expect(result.outcome.status).toBe("created");
    if (result.outcome.status !== "created") return;
    expect(result.outcome.call.title).toBe("Standup");
    expect(result.outcome.call.inviteLink).toBeUndefined();
    const calls = h.sandbox.calls(DEMO_CHATS.privateTeam.chatId);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.id).toBe(result.outcome.call.id);
    expect(calls[0]!.state).toBe("active");
    expect(calls[0]!.randomId).toBe(randomIdFromKey(request.requestId));
    // Steady state for a private chat: the one request, nothing to resolve (the peer came from getDialogs once).
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect(await h.resultsFor(request.requestId)).toHaveLength(1);
  });

  it("schedules a call for later", async () => {
    await h.startWorker().ready;
    const scheduleDate = Math.floor(Date.now() / 1000) + 3600;
    const request = h.request({ target: DEMO_CHATS.privateTeam, scheduleDate });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId);

    expect(result.outcome.status).toBe("created");
    if (result.outcome.status !== "created") return;
    expect(result.outcome.call.scheduleDate).toBe(scheduleDate);
    const [call] = h.sandbox.calls(DEMO_CHATS.privateTeam.chatId);
    expect(call?.state).toBe("scheduled");
    expect(call?.scheduleDate).toBe(scheduleDate);
  });

  it("gives the RTMP url and key for a livestream when the account owns the chat", async () => {
    h.sandbox.setRole(DEMO_CHATS.privateTeam.chatId, DEMO.assistant, { status: "owner" });
    await h.startWorker().ready;
    h.sandbox.resetCounters();
    const request = h.request({ target: DEMO_CHATS.privateTeam, rtmp: true });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId);

    expect(result.outcome.status).toBe("created");
    if (result.outcome.status !== "created") return;
    expect(result.outcome.call.rtmp).toBe(true);
    expect(result.outcome.rtmpCredentials?.url).toMatch(/^rtmps?:\/\//);
    expect(result.outcome.rtmpCredentials?.key.length).toBeGreaterThan(0);
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)[0]?.rtmp).toBe(true);
    expect(h.mtprotoCount("phone.getGroupCallStreamRtmpUrl")).toBe(1);
  });

  it("exports an invite link for a public chat", async () => {
    await h.startWorker().ready;
    const request = h.request({ target: DEMO_CHATS.community });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId);

    expect(result.outcome.status).toBe("created");
    if (result.outcome.status !== "created") return;
    expect(result.outcome.call.inviteLink).toMatch(/demo_community/);
    expect(h.mtprotoCount("phone.exportGroupCallInvite")).toBe(1);
  });

  it("resolves a chat once: the second job to the same chat sends no resolution request", async () => {
    await h.startWorker().ready;
    const first = h.request({
      target: DEMO_CHATS.privateTeam,
      scheduleDate: Math.floor(Date.now() / 1000) + 600,
    });
    await h.addJob(first);
    expect((await h.finalResult(first.requestId)).outcome.status).toBe("created");
    // The first call ends so that the chat can have another one.
    h.sandbox.world.discardGroupCall(DEMO.assistant, h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)[0]!.id);
    h.sandbox.resetCounters();

    const second = h.request({
      target: DEMO_CHATS.privateTeam,
      scheduleDate: Math.floor(Date.now() / 1000) + 900,
    });
    await h.addJob(second);
    await h.finalResult(second.requestId);

    const { mtproto } = h.sandbox.counters();
    expect(mtproto["messages.getDialogs"] ?? 0).toBe(0);
    expect(mtproto["contacts.resolveUsername"] ?? 0).toBe(0);
    // The check of the chat's current call (one call per chat) and the create: nothing else.
    expect(mtproto).toEqual({ "channels.getFullChannel": 1, "phone.createGroupCall": 1 });
  });
});
