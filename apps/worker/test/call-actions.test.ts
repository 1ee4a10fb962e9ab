import {
  CALL_ACCESS_HASHES_VALUES,
  demoWorldPath,
  readWorldFixture,
  START_OF_LIVE_CALL_VALUES,
  World,
} from "@callbot/sandbox";
import { CALL_JOB_NAMES, callActionVersion } from "@callbot/shared";
import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import {
  actionRequest,
  actionResults,
  addAction,
  callMadeByHand,
  finalActionResult,
  nativeId,
} from "./support/call-actions.ts";
import { harnessPerTest } from "./support/worker-harness.ts";

const ADAM_CALL_ADMIN = DEMO.adam;

describe("call actions through the queue", () => {
  const h = harnessPerTest();

  it("starts a scheduled call and reports its new state once", async () => {
    const call = callMadeByHand(h, DEMO_CHATS.privateTeam, { scheduleInSeconds: 3600, title: "Planning" });
    const request = actionRequest(DEMO_CHATS.privateTeam, "start", {
      call: { id: call.id, accessHash: call.accessHash },
    });
    await addAction(h, request);
    const result = await finalActionResult(h, request.requestId);

    expect(result.outcome).toMatchObject({
      status: "done",
      call: { id: call.id, state: "active", title: "Planning", rtmp: false },
    });
    expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("active");
    expect(h.mtprotoCount("phone.startScheduledGroupCall")).toBe(1);
    expect(await actionResults(h, request.requestId)).toHaveLength(1);
  });

  it("a call named by another account's reference (access hashes per account): the chat's own is read, and the action done, not reported as ended", async () => {
    h.sandbox.world.configure({ callAccessHashes: "per-account" });
    const call = callMadeByHand(h, DEMO_CHATS.community, { scheduleInSeconds: 3600, title: "Theirs" });
    // The reference as another account was given it (the one that made the call, say).
    const theirs = { id: call.id, accessHash: h.sandbox.world.callAccessHash(call, DEMO.olga) };
    const run = async (action: "start" | "mute-new-participants" | "end") => {
      const request = actionRequest(DEMO_CHATS.community, action, {
        v: callActionVersion(action),
        call: theirs,
      });
      await addAction(h, request);
      return (await finalActionResult(h, request.requestId)).outcome;
    };
    expect(await run("start")).toMatchObject({ status: "done", call: { id: call.id, state: "active" } });
    expect(await run("mute-new-participants")).toMatchObject({ status: "done" });
    expect(h.sandbox.world.getGroupCall(call.id)?.joinMuted).toBe(true);
    expect(await run("end")).toMatchObject({ status: "done", call: { id: call.id, state: "discarded" } });
    expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("discarded");
  });

  // Whether a call's access hash is the call's or each account's is not documented (the sandbox's
  // callAccessHashes): invitations name the call as every other control does, and fall back to
  // the chat's own call when Telegram refuses the reference another account was given.
  it.each(CALL_ACCESS_HASHES_VALUES)(
    "invites to a call named by another account's reference, as the other controls do (access hashes %s)",
    async (callAccessHashes) => {
      h.sandbox.world.configure({ callAccessHashes });
      const call = callMadeByHand(h, DEMO_CHATS.community, { title: "Theirs" });
      const theirs = { id: call.id, accessHash: h.sandbox.world.callAccessHash(call, DEMO.olga) };
      const usernames = ["max_member", "adam_admin", "nina_helper"];
      const request = actionRequest(DEMO_CHATS.community, "invite-users", {
        v: callActionVersion("invite-users"),
        call: theirs,
        invitees: usernames.map((username) => ({ label: `@${username}`, username })),
      });
      h.sandbox.resetCounters();
      await addAction(h, request);
      expect((await finalActionResult(h, request.requestId)).outcome).toEqual({
        status: "done",
        invites: usernames.map((username) => ({ label: `@${username}`, outcome: "invited" })),
      });
      expect([...(h.sandbox.world.getGroupCall(call.id)?.invited ?? [])].sort()).toEqual(
        [DEMO.adam, DEMO.nina, DEMO.max].sort(),
      );
      // With access hashes per account, one refused try by the reference, then the chat's own call.
      expect(h.mtprotoCount("phone.inviteToGroupCall")).toBe(callAccessHashes === "per-account" ? 2 : 1);
    },
  );

  it("ends a live call; ending it again is skipped as already ended, not a failure", async () => {
    const call = callMadeByHand(h, DEMO_CHATS.community);
    const end = actionRequest(DEMO_CHATS.community, "end", {
      call: { id: call.id, accessHash: call.accessHash },
    });
    await addAction(h, end);
    expect((await finalActionResult(h, end.requestId)).outcome).toMatchObject({
      status: "done",
      call: { id: call.id, state: "discarded" },
    });
    expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("discarded");

    const again = actionRequest(DEMO_CHATS.community, "end", {
      call: { id: call.id, accessHash: call.accessHash },
    });
    await addAction(h, again);
    expect((await finalActionResult(h, again.requestId)).outcome).toEqual({
      status: "skipped",
      reason: "already-ended",
    });
    expect(h.mtprotoCount("phone.discardGroupCall")).toBe(2);
  });

  it("renames a call", async () => {
    const call = callMadeByHand(h, DEMO_CHATS.community, { title: "Old name" });
    const request = actionRequest(DEMO_CHATS.community, "rename", {
      call: { id: call.id, accessHash: call.accessHash },
      title: "Retro",
    });
    await addAction(h, request);
    expect((await finalActionResult(h, request.requestId)).outcome).toMatchObject({
      status: "done",
      call: { state: "active", title: "Retro" },
    });
    expect(h.sandbox.world.getGroupCall(call.id)?.title).toBe("Retro");
  });

  it("a rename to the title the call already has is done, not failed (Telegram's GROUPCALL_NOT_MODIFIED)", async () => {
    const call = callMadeByHand(h, DEMO_CHATS.community, { title: "Retro" });
    h.sandbox.resetCounters();
    const request = actionRequest(DEMO_CHATS.community, "rename", {
      call: { id: call.id, accessHash: call.accessHash },
      title: "Retro",
    });
    await addAction(h, request);
    expect((await finalActionResult(h, request.requestId)).outcome).toMatchObject({ status: "done" });
    expect(h.mtprotoCount("phone.editGroupCallTitle")).toBe(1);
    expect(h.sandbox.world.getGroupCall(call.id)?.title).toBe("Retro");
  });

  it("exports an invite link for a public chat's call; a private chat's refusal is reported", async () => {
    const call = callMadeByHand(h, DEMO_CHATS.community);
    const request = actionRequest(DEMO_CHATS.community, "invite-link", {
      call: { id: call.id, accessHash: call.accessHash },
    });
    await addAction(h, request);
    const result = await finalActionResult(h, request.requestId);
    expect(result.outcome.status === "done" && result.outcome.inviteLink).toMatch(
      /^https:\/\/t\.me\/demo_community\?videochat=/,
    );

    const privateCall = callMadeByHand(h, DEMO_CHATS.privateTeam);
    const refused = actionRequest(DEMO_CHATS.privateTeam, "invite-link", {
      call: { id: privateCall.id, accessHash: privateCall.accessHash },
    });
    await addAction(h, refused);
    expect((await finalActionResult(h, refused.requestId)).outcome).toEqual({
      status: "failed",
      failure: { errorName: "PUBLIC_CHANNEL_MISSING", category: "permanent" },
    });
  });

  it("gives the RTMP credentials; rotating the key (owner) gives a new key that then stays", async () => {
    h.sandbox.setRole(DEMO_CHATS.privateTeam.chatId, DEMO.assistant, { status: "owner" });
    const read = actionRequest(DEMO_CHATS.privateTeam, "rtmp-credentials");
    await addAction(h, read);
    const first = await finalActionResult(h, read.requestId);
    if (first.outcome.status !== "done") throw new Error(`not done: ${JSON.stringify(first.outcome)}`);
    const oldKey = first.outcome.rtmpCredentials?.key;
    expect(first.outcome.rtmpCredentials?.url).toMatch(/^rtmps?:\/\//);
    expect(oldKey).toBeTruthy();

    const rotate = actionRequest(DEMO_CHATS.privateTeam, "rotate-rtmp-key");
    await addAction(h, rotate);
    const rotated = await finalActionResult(h, rotate.requestId);
    if (rotated.outcome.status !== "done") throw new Error(`not done: ${JSON.stringify(rotated.outcome)}`);
    const newKey = rotated.outcome.rtmpCredentials?.key;
    expect(newKey).toBeTruthy();
    expect(newKey).not.toBe(oldKey);

    // What Telegram now hands out is the new key: the old one is gone.
    const world = h.sandbox.world.getGroupCallStreamRtmpUrl(
      DEMO.assistant,
      nativeId(DEMO_CHATS.privateTeam.chatId),
      false,
    );
    expect(world.key).toBe(newKey);
    // The key never lands in the calls queue's job return values.
    const jobs = await h.calls.getJobs(["completed"]);
    expect(JSON.stringify(jobs.map((j) => j.returnvalue))).not.toContain(newKey);
  });

  /** The key after exactly one revocation, from a fresh world of the same fixture. */
  function keyAfterOneRevocation(chat: number): string {
    const fresh = new World(readWorldFixture(demoWorldPath));
    fresh.setRole(chat, DEMO.assistant, { status: "owner" });
    return fresh.getGroupCallStreamRtmpUrl(DEMO.assistant, chat, true).key;
  }

  async function rotateWithLateAnswers(lateFirst: boolean): Promise<{ given: string; chat: number }> {
    h.sandbox.setRole(DEMO_CHATS.privateTeam.chatId, DEMO.assistant, { status: "owner" });
    const chat = nativeId(DEMO_CHATS.privateTeam.chatId);
    const lateMs = 5_000;
    // A request carried out only after the worker gave up waiting (2 s), as when Telegram is
    // slow or gramjs re-sends it after a reconnect.
    if (!lateFirst) {
      h.sandbox.faults.mtproto({
        method: "phone.getGroupCallStreamRtmpUrl",
        action: { kind: "delay", ms: 0 },
        times: 1,
      });
    }
    h.sandbox.faults.mtproto({
      method: "phone.getGroupCallStreamRtmpUrl",
      action: { kind: "delay", ms: lateMs },
      times: 1,
    });
    const rotate = actionRequest(DEMO_CHATS.privateTeam, "rotate-rtmp-key");
    const sentAt = Date.now();
    await addAction(h, rotate, { attempts: 20, backoff: { type: "fixed", delay: 300 } });
    const result = await finalActionResult(h, rotate.requestId, 30_000);
    if (result.outcome.status !== "done") throw new Error(`not done: ${JSON.stringify(result.outcome)}`);
    // Whatever was still in flight has landed by now.
    const observedUntil = sentAt + lateMs + 1_000;
    await waitFor(() => (Date.now() > observedUntil ? true : undefined), "the late request to land", 15_000);
    return { given: result.outcome.rtmpCredentials!.key, chat };
  }

  it("a rotation retried while its first request is still on its way revokes once: the user gets the live key (checklist 33)", async () => {
    const { given, chat } = await rotateWithLateAnswers(true);
    expect(h.sandbox.world.getGroupCallStreamRtmpUrl(DEMO.assistant, chat, false).key).toBe(given);
    expect(given).toBe(keyAfterOneRevocation(chat));
  });

  it("a retry after a revocation whose answer is lost does not revoke again: it waits for the new key and gives it (checklist 33)", async () => {
    const { given, chat } = await rotateWithLateAnswers(false);
    expect(h.sandbox.world.getGroupCallStreamRtmpUrl(DEMO.assistant, chat, false).key).toBe(given);
    expect(given).toBe(keyAfterOneRevocation(chat));
    // The claim in Redis holds a fingerprint, never the key.
    const claims = await h.connection.keys(`${h.prefix}:rtmp-rotation:*`);
    expect(claims).toHaveLength(1);
    expect(await h.connection.get(claims[0]!)).not.toContain(given);
  });

  it("a key rotation that waited is re-checked: an admin who is not the owner is refused, nothing revoked", async () => {
    const rotate = actionRequest(DEMO_CHATS.community, "rotate-rtmp-key", {
      requester: { userId: ADAM_CALL_ADMIN, chatId: ADAM_CALL_ADMIN },
      requestedAt: Date.now() - 120_000,
    });
    await addAction(h, rotate);
    expect((await finalActionResult(h, rotate.requestId)).outcome).toEqual({
      status: "failed",
      failure: { errorName: "RTMP_KEY_OWNER_ONLY", category: "user" },
    });
    expect(h.mtprotoCount("phone.getGroupCallStreamRtmpUrl")).toBe(0);
  });

  it.each(START_OF_LIVE_CALL_VALUES)(
    "a user's start of a call already started by hand is skipped as already started (Telegram answering %s)",
    async (startOfLiveCall) => {
      h.sandbox.world.configure({ startOfLiveCall });
      const call = callMadeByHand(h, DEMO_CHATS.privateTeam, { scheduleInSeconds: 600 });
      h.sandbox.world.startScheduledGroupCall(DEMO.assistant, call.id);
      const request = actionRequest(DEMO_CHATS.privateTeam, "start", {
        call: { id: call.id, accessHash: call.accessHash },
      });
      await addAction(h, request);
      expect((await finalActionResult(h, request.requestId)).outcome).toEqual({
        status: "skipped",
        reason: "already-started",
      });
    },
  );

  it("an incomplete request (rename without a title) fails as INVALID_CALL_ACTION without a Telegram request", async () => {
    const call = callMadeByHand(h, DEMO_CHATS.privateTeam);
    h.sandbox.resetCounters();
    const request = actionRequest(DEMO_CHATS.privateTeam, "rename", {
      call: { id: call.id, accessHash: call.accessHash },
    });
    await addAction(h, request);
    expect((await finalActionResult(h, request.requestId)).outcome).toEqual({
      status: "failed",
      failure: { errorName: "INVALID_CALL_ACTION", category: "permanent" },
    });
    expect(h.mtprotoCount("phone.editGroupCallTitle")).toBe(0);
  });

  it("a job that does not fit the contract fails at once with the reason and is never run", async () => {
    await h.calls.add(
      CALL_JOB_NAMES.callAction,
      { v: 1, kind: "call-action", action: "explode" },
      {
        jobId: "broken_action",
        attempts: 5,
      },
    );
    const failed = await waitFor(async () => {
      const job = await h.calls.getJob("broken_action");
      return job?.failedReason ? job : undefined;
    }, "the invalid job to fail");
    expect(failed.failedReason).toMatch(/invalid call-action job, not run: .*action/);
    expect(failed.attemptsMade).toBe(1);
    expect(Object.keys(h.sandbox.counters().mtproto).filter((m) => m.startsWith("phone."))).toEqual([]);
  });
});
