import { randomIdFromKey } from "@callbot/shared";
import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { PeerCache } from "../src/peers/peer-cache.ts";
import { nativeId } from "./support/call-actions.ts";
import { harnessPerTest, type WorkerHarness } from "./support/worker-harness.ts";

/** Small backoff so that retry tests stay quick; the count of attempts stays bounded as in production. */
const QUICK_RETRIES = { attempts: 3, backoff: { type: "fixed", delay: 100 } } as const;

describe("createGroupCall errors, by category", () => {
  const h = harnessPerTest();

  async function failureOf(requestId: string) {
    const result = await h.finalResult(requestId);
    expect(result.outcome.status).toBe("failed");
    return result.outcome.status === "failed" ? result.outcome.failure : undefined;
  }

  it("CHANNEL_PRIVATE: a private chat the assistant is not in, without sending createGroupCall", async () => {
    const request = h.request({ target: DEMO_CHATS.lockedRoom });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({ errorName: "CHANNEL_PRIVATE", category: "user" });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
    expect((await h.finishedJob(request.requestId)).attemptsMade).toBe(1);
  });

  it("a chat the assistant knew but was removed from: Telegram's own refusal, not retried", async () => {
    const locked = nativeId(DEMO.lockedRoom);
    await new PeerCache(h.connection, h.prefix, DEMO.assistant).remember([
      { channelId: String(locked), accessHash: h.sandbox.world.accessHash("chat", locked, DEMO.assistant) },
    ]);
    const request = h.request({ target: DEMO_CHATS.lockedRoom });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({ errorName: "CHANNEL_PRIVATE", category: "user" });
    // Refused at the read of the chat's current call, before any create.
    expect(h.mtprotoCount("channels.getFullChannel")).toBe(1);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
  });

  it("GROUPCALL_ANONYMOUS_FORBIDDEN: the assistant is an anonymous admin; refused for good, with what to change", async () => {
    h.sandbox.world.setRole(1500000003, DEMO.assistant, {
      status: "admin",
      rights: { manageCall: true, anonymous: true },
    });
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({
      errorName: "GROUPCALL_ANONYMOUS_FORBIDDEN",
      category: "user",
    });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)).toHaveLength(0);
    expect((await h.finishedJob(request.requestId)).attemptsMade).toBe(1);
  });

  it("CHAT_ADMIN_REQUIRED: the assistant lacks the video-chat right", async () => {
    const request = h.request({ target: DEMO_CHATS.noRightsClub });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({
      errorName: "CHAT_ADMIN_REQUIRED",
      category: "user",
    });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect(h.sandbox.calls(DEMO_CHATS.noRightsClub.chatId)).toHaveLength(0);
  });

  it("CHAT_ID_INVALID: a basic group that does not exist, refused when its call is read", async () => {
    const request = h.request({ target: { chatId: -499999999, title: "Nowhere" } });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({ errorName: "CHAT_ID_INVALID", category: "user" });
    expect(h.mtprotoCount("messages.getFullChat")).toBe(1);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
  });

  it("SCHEDULE_DATE_INVALID: the start time passed while the job was queued; nothing sent", async () => {
    const request = h.request({
      target: DEMO_CHATS.privateTeam,
      scheduleDate: Math.floor(Date.now() / 1000) - 5,
    });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({
      errorName: "SCHEDULE_DATE_INVALID",
      category: "user",
    });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
  });

  it("SCHEDULE_TOO_SOON_AT_RUN: the start time came within 10 s while queued", async () => {
    const request = h.request({
      target: DEMO_CHATS.privateTeam,
      scheduleDate: Math.floor(Date.now() / 1000) + 5,
    });
    await h.addJob(request);
    expect(await failureOf(request.requestId)).toEqual({
      errorName: "SCHEDULE_TOO_SOON_AT_RUN",
      category: "user",
    });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
  });

  it("GROUPCALL_ALREADY_DISCARDED from Telegram: permanent, one attempt, one report", async () => {
    h.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "error", code: 400, message: "GROUPCALL_ALREADY_DISCARDED" },
    });
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request, QUICK_RETRIES);
    expect(await failureOf(request.requestId)).toEqual({
      errorName: "GROUPCALL_ALREADY_DISCARDED",
      category: "permanent",
    });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(1);
    expect(await h.resultsFor(request.requestId)).toHaveLength(1);
  });

  it("CREATE_CALL_FAILED every time: retried a bounded number of times, then reported once", async () => {
    h.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "error", code: 400, message: "CREATE_CALL_FAILED" },
    });
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request, QUICK_RETRIES);
    expect(await failureOf(request.requestId)).toEqual({
      errorName: "CREATE_CALL_FAILED",
      category: "retry",
    });
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(3);
    expect(await h.resultsFor(request.requestId)).toHaveLength(1);
  });

  it("a transient error then success: exactly one call, created with the same random_id", async () => {
    h.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "error", code: 400, message: "CREATE_CALL_FAILED" },
      times: 1,
    });
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request, QUICK_RETRIES);
    const result = await h.finalResult(request.requestId);
    expect(result.outcome.status).toBe("created");
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(2);
    const calls = h.sandbox.calls(DEMO_CHATS.privateTeam.chatId);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.randomId).toBe(randomIdFromKey(request.requestId));
    expect(await h.resultsFor(request.requestId)).toHaveLength(1);
  });

  it("Telegram never answers: the attempt times out and the retry succeeds", async () => {
    h.sandbox.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hang" }, times: 1 });
    const request = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(request, QUICK_RETRIES);
    const result = await h.finalResult(request.requestId, 15_000);
    expect(result.outcome.status).toBe("created");
    const job = await h.finishedJob(request.requestId);
    // One attempt timed out, the second one succeeded.
    expect(job.attemptsMade).toBe(2);
    expect(job?.stacktrace?.join("\n")).toMatch(/TIMEOUT/);
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId)).toHaveLength(1);
  });

  it("invalid job data fails at once with the reason and never runs", async () => {
    await h.calls.add("create-call", { v: 1, kind: "create-call", requestId: "x" }, { jobId: "bad_1" });
    const job = await waitForFailed(h, "bad_1");
    expect(job).toMatch(/invalid create-call job/);
    expect(h.mtprotoCount("phone.createGroupCall")).toBe(0);
  });
});

async function waitForFailed(h: WorkerHarness, jobId: string): Promise<string> {
  return waitFor(async () => {
    const job = await h.calls.getJob(jobId);
    return job?.finishedOn ? job.failedReason : undefined;
  }, `job ${jobId} to fail`);
}
