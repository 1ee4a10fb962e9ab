import { multiAssistantWorld, RECORDING_SAVED_TO_VALUES, SOLO_ROOM } from "@callbot/sandbox";
import {
  type AssistantRights,
  accountCallsQueueName,
  assistantEntryKey,
  CALL_JOB_DEFAULTS,
  CALL_JOB_NAMES,
  type CallActionRequest,
  type CreateCallRequest,
  callActionVersion,
  type EmptyWatchRequest,
  emptyWatchJobId,
  readAssistantRegistry,
  readAssistantRights,
  recordAssistantRights,
  type TargetChat,
  writeAssistantEntry,
} from "@callbot/shared";
import { DEMO, DEMO_CHATS, finishedJob, waitFor } from "@callbot/test-support";
import { type JobsOptions, Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import type { ForwardTiming } from "../src/calls/forward-recording.ts";
import { actionRequest, actionResults, callMadeByHand, finalActionResult } from "./support/call-actions.ts";
import { harnessPerTest, type WorkerHarness } from "./support/worker-harness.ts";

const SESSIONS = {
  2001: "callbot_assistant",
  2002: "callbot_assistant_two",
  2003: "callbot_assistant_three",
};
type Account = keyof typeof SESSIONS;

/** One worker per account, as `pnpm start:worker` with each account's session would run. */
async function startAccounts(
  h: WorkerHarness,
  accounts: Account[],
  options: { emptyWatchMinuteMs?: number; forwardTiming?: ForwardTiming; invokeTimeoutMs?: number } = {},
): Promise<void> {
  await Promise.all(
    accounts.map(
      (id) =>
        h.startWorker({
          config: h.config(h.sandbox.info.sessions[SESSIONS[id]]),
          statusHeartbeatMs: 300,
          ...options,
        }).ready,
    ),
  );
}

/** What the bot learns with getChatMember for each assistant, recorded as it records it. */
async function knowRights(
  h: WorkerHarness,
  target: TargetChat,
  rights: Partial<Record<Account, AssistantRights>>,
) {
  const facts = Object.entries(rights).map(([id, r]) => ({ accountId: Number(id), rights: r }));
  await recordAssistantRights(h.connection, h.prefix, target.chatId, facts, Date.now());
}

function accountQueue(h: WorkerHarness, accountId: Account): Queue {
  return new Queue(accountCallsQueueName(accountId), { connection: h.connection, prefix: h.prefix });
}

async function addTo(
  queue: Queue,
  request: CreateCallRequest | CallActionRequest,
  options: JobsOptions = {},
) {
  const name = request.kind === "call-action" ? CALL_JOB_NAMES.callAction : CALL_JOB_NAMES.createCall;
  await queue.add(name, request, {
    ...CALL_JOB_DEFAULTS,
    jobId: request.requestId,
    ...options,
  });
}

const creatorIn = (h: WorkerHarness, target: TargetChat) =>
  h.sandbox.calls(target.chatId).find((call) => call.state !== "discarded")?.createdBy;

describe("several assistant accounts, one worker each", () => {
  const h = harnessPerTest({ sandbox: { world: multiAssistantWorld() }, worker: false });

  it("routes by rights, then to the account with the least work; a chat with one admin goes to it", async () => {
    // The creates are held until all three requests are routed (below); an invoke must not give up meanwhile.
    await startAccounts(h, [2001, 2002, 2003], { invokeTimeoutMs: 60_000 });
    for (const chat of [DEMO_CHATS.community, DEMO_CHATS.channel, DEMO_CHATS.privateTeam]) {
      await knowRights(h, chat, { 2001: "admin", 2002: "admin", 2003: "admin" });
    }
    await knowRights(h, DEMO_CHATS.soloRoom, { 2001: "none", 2002: "admin", 2003: "none" });
    // An account that took a create still has it when the next request is routed: Telegram holds
    // every create until all three are routed. (A fixed delay here raced the routing: on a loaded
    // machine the first create could finish before the third request was routed, and that request
    // then rightly went to the account that had no work left.)
    h.sandbox.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hold", gate: "creates" } });
    const requests = [DEMO_CHATS.community, DEMO_CHATS.channel, DEMO_CHATS.privateTeam].map((target) =>
      h.request({ target }),
    );
    for (const request of requests) {
      await h.addJob(request);
      // Routed (handed to an account's queue) before the next arrives.
      await waitFor(
        async () => ((await h.calls.getJob(request.requestId))?.finishedOn ? true : undefined),
        "routed",
      );
    }
    h.sandbox.faults.release("creates");
    for (const request of requests)
      expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
    expect(requests.map((r) => creatorIn(h, r.target)).sort()).toEqual([2001, 2002, 2003]);

    const solo = h.request({ target: DEMO_CHATS.soloRoom });
    await h.addJob(solo);
    expect((await h.finalResult(solo.requestId)).outcome.status).toBe("created");
    expect(creatorIn(h, DEMO_CHATS.soloRoom)).toBe(DEMO.assistantTwo);
    const registry = await readAssistantRegistry(h.connection, h.prefix);
    expect(registry.entries.map((e) => [e.accountId, e.state, e.username])).toEqual([
      [2001, "online", "callbot_assistant"],
      [2002, "online", "callbot_assistant_two"],
      [2003, "online", "callbot_assistant_three"],
    ]);
  });

  it("a flood wait on one account holds only that account's work", async () => {
    await startAccounts(h, [2001, 2002]);
    await knowRights(h, DEMO_CHATS.community, { 2001: "admin", 2002: "none" });
    await knowRights(h, DEMO_CHATS.privateTeam, { 2001: "admin", 2002: "none" });
    await knowRights(h, DEMO_CHATS.channel, { 2001: "none", 2002: "admin" });
    // Every account may create one call a minute; the next waits 2 s (each account its own budget).
    h.sandbox.world.configure({
      methodFloods: { "phone.createGroupCall": { requests: 1, perSeconds: 60, waitSeconds: 2 } },
    });
    const first = h.request({ target: DEMO_CHATS.community });
    await h.addJob(first);
    expect((await h.finalResult(first.requestId)).outcome.status).toBe("created");

    const held = h.request({ target: DEMO_CHATS.privateTeam });
    await h.addJob(held);
    await waitFor(
      async () =>
        (await h.resultsFor(held.requestId)).some((r) => r.outcome.status === "delayed") ? true : undefined,
      "the delay notice of the flooded account's request",
    );
    const other = h.request({ target: DEMO_CHATS.channel });
    await h.addJob(other);
    expect((await h.finalResult(other.requestId)).outcome.status).toBe("created");
    expect(creatorIn(h, DEMO_CHATS.channel)).toBe(DEMO.assistantTwo);
    // The other account's call came while the flooded one still waited.
    expect((await h.resultsFor(held.requestId)).map((r) => r.outcome.status)).toEqual(["delayed"]);
    expect((await h.finalResult(held.requestId)).outcome.status).toBe("created");
    expect(creatorIn(h, DEMO_CHATS.privateTeam)).toBe(DEMO.assistant);
  });

  it("a session that dies hands its waiting work to an eligible account, each request once; the rest is reported", async () => {
    await startAccounts(h, [2001, 2002]);
    for (const chat of [DEMO_CHATS.community, DEMO_CHATS.channel]) {
      await knowRights(h, chat, { 2001: "admin", 2002: "admin" });
    }
    await knowRights(h, DEMO_CHATS.studio, { 2001: "owner", 2002: "none" });
    const first = accountQueue(h, 2001);
    try {
      h.sandbox.revokeSession(DEMO.assistant);
      // Waiting in the first account's queue, as routing left them there.
      const movable = [
        h.request({ target: DEMO_CHATS.community }),
        h.request({ target: DEMO_CHATS.channel }),
      ];
      const ownerOnly = h.request({ target: DEMO_CHATS.studio, rtmp: true });
      for (const request of [...movable, ownerOnly]) await addTo(first, request, { delay: 1_500 });
      // The request that meets the dead session.
      const running = h.request({ target: DEMO_CHATS.privateTeam });
      await addTo(first, running);

      for (const request of movable) {
        expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
        expect(creatorIn(h, request.target)).toBe(DEMO.assistantTwo);
      }
      for (const request of [running, ownerOnly]) {
        expect((await h.finalResult(request.requestId)).outcome).toEqual({
          status: "failed",
          failure: { errorName: "AUTH_KEY_UNREGISTERED", category: "session" },
        });
      }
      // Once each: one call per moved request, one answer per request.
      for (const request of movable) {
        expect(h.sandbox.calls(request.target.chatId)).toHaveLength(1);
        expect(
          (await h.resultsFor(request.requestId)).filter((r) => r.outcome.status !== "delayed"),
        ).toHaveLength(1);
      }
      const registry = await readAssistantRegistry(h.connection, h.prefix);
      expect(registry.entries.find((e) => e.accountId === DEMO.assistant)?.state).toBe("session-dead");
    } finally {
      await first.close();
    }
  });

  it("a create running when its session dies, after Telegram made the call, stays with its account: the requester reads that the call may exist", async () => {
    await startAccounts(h, [2001, 2002]);
    await knowRights(h, DEMO_CHATS.community, { 2001: "admin", 2002: "admin" });
    // The call is made; the session dies at the next request (the public chat's invite link).
    h.sandbox.faults.mtproto({
      method: "phone.exportGroupCallInvite",
      account: DEMO.assistant,
      action: { kind: "error", code: 401, message: "AUTH_KEY_UNREGISTERED" },
      times: 1,
    });
    const [first, second] = [accountQueue(h, 2001), accountQueue(h, 2002)];
    try {
      const request = h.request({ target: DEMO_CHATS.community, title: "Half done" });
      await addTo(first, request);
      expect((await h.finalResult(request.requestId)).outcome).toEqual({
        status: "failed",
        failure: { errorName: "SESSION_DIED_AFTER_CREATE", category: "session" },
      });
      // Not moved to the other account, which would have made (or reported) a call of its own.
      expect(h.sandbox.calls(DEMO_CHATS.community.chatId)).toHaveLength(1);
      expect(creatorIn(h, DEMO_CHATS.community)).toBe(DEMO.assistant);
      expect(await second.getJob(request.requestId)).toBeUndefined();
      expect(
        (await h.resultsFor(request.requestId)).filter((r) => r.outcome.status !== "delayed"),
      ).toHaveLength(1);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });

  it("a worker that vanished (its registration lapsed) has its waiting work moved by a live one", async () => {
    await startAccounts(h, [2002]);
    await knowRights(h, DEMO_CHATS.channel, { 2001: "admin", 2002: "admin" });
    // What a crashed worker leaves: it was registered, its "online" ran out, its queue still holds work.
    await writeAssistantEntry(h.connection, h.prefix, {
      v: 1,
      accountId: DEMO.assistant,
      state: "online",
      running: 0,
      firstName: "Assistant",
      updatedAt: Date.now(),
    });
    await h.connection.del(assistantEntryKey(h.prefix, DEMO.assistant));
    const orphaned = accountQueue(h, 2001);
    try {
      const request = h.request({ target: DEMO_CHATS.channel });
      await addTo(orphaned, request);
      expect((await h.finalResult(request.requestId)).outcome.status).toBe("created");
      expect(creatorIn(h, DEMO_CHATS.channel)).toBe(DEMO.assistantTwo);
      expect(await orphaned.getJobCounts("waiting", "active")).toEqual({ waiting: 0, active: 0 });
    } finally {
      await orphaned.close();
    }
  });

  /**
   * Two accounts (each looks for a recording soon after its stop, then for about 0.7 s), both
   * admins of Demo Community, whose call account 2001 starts recording. The caller closes `first`.
   */
  async function recordingStartedByFirstAccount(
    recordingSavedTo: (typeof RECORDING_SAVED_TO_VALUES)[number],
  ) {
    h.sandbox.world.configure({ recordingSavedTo });
    await startAccounts(h, [2001, 2002], {
      forwardTiming: { firstLookMs: 100, attempts: 3, backoffMs: 200 },
    });
    await knowRights(h, DEMO_CHATS.community, { 2001: "admin", 2002: "admin" });
    const call = callMadeByHand(h, DEMO_CHATS.community, { title: "Weekly" });
    const ref = { id: call.id, accessHash: call.accessHash };
    const first = accountQueue(h, 2001);
    const start = actionRequest(DEMO_CHATS.community, "record-start", {
      v: callActionVersion("record-start"),
      call: ref,
      recording: { video: false, portrait: false },
    });
    await addTo(first, start);
    expect((await finalActionResult(h, start.requestId)).outcome.status).toBe("done");
    return { call, ref, first };
  }

  function recordStopForwardingToPrivateTeam(ref: { id: string; accessHash: string }) {
    return actionRequest(DEMO_CHATS.community, "record-stop", {
      v: callActionVersion("record-stop"),
      call: ref,
      forwardTo: DEMO_CHATS.privateTeam,
    });
  }

  // Whose Saved Messages get a recording one account started and another stopped is not
  // documented (the sandbox's recordingSavedTo): the stopper's and the starter's both look.
  it.each(RECORDING_SAVED_TO_VALUES)(
    "a recording stop handed to the other account still forwards the recording once, and says where it went (recordings saved to the %s)",
    async (recordingSavedTo) => {
      const { call, ref, first } = await recordingStartedByFirstAccount(recordingSavedTo);
      try {
        expect(call.recording?.byUserId).toBe(DEMO.assistant);

        // The account that started it is asked to wait 2 s at its next request: the stop goes to the other.
        h.sandbox.faults.mtproto({
          method: "*",
          account: DEMO.assistant,
          action: { kind: "flood", seconds: 2 },
          times: 1,
        });
        const stop = recordStopForwardingToPrivateTeam(ref);
        // The starter's look into its Saved Messages answers slowly: the other account has ended its
        // looks by then (having found the file, or not), so each way one account ends quietly.
        h.sandbox.faults.mtproto({
          method: "messages.getHistory",
          account: DEMO.assistant,
          action: { kind: "delay", ms: 1_500 },
        });
        await addTo(first, stop);
        expect((await finalActionResult(h, stop.requestId)).outcome.status).toBe("done");
        expect(call.recording).toBeUndefined();
        expect((await finishedJob(first, stop.requestId)).returnvalue).toEqual({
          status: "handed-on",
          reason: `account ${DEMO.assistantTwo}`,
        });

        const saver = recordingSavedTo === "starter" ? DEMO.assistant : DEMO.assistantTwo;
        const forwardId = `fwd_${stop.requestId}`;
        const told = await finalActionResult(h, forwardId, 15_000);
        expect(told.outcome).toEqual({
          status: "done",
          forwarded: { to: DEMO_CHATS.privateTeam, messageId: expect.any(Number) },
        });
        const copies = h.sandbox.world.messages(DEMO_CHATS.privateTeam.chatId).filter((m) => m.document);
        expect(copies).toHaveLength(1);
        expect(copies[0]?.forwardedFrom?.userId).toBe(saver);
        // Both accounts' looks end, the other one's quietly, and the requester heard once.
        const second = accountQueue(h, 2002);
        try {
          const looks = {
            [DEMO.assistantTwo]: await finishedJob(second, forwardId),
            [DEMO.assistant]: await finishedJob(first, `${forwardId}_on_${DEMO.assistant}`),
          };
          expect(looks[saver]?.returnvalue).toEqual({ status: "done" });
          const other = saver === DEMO.assistant ? DEMO.assistantTwo : DEMO.assistant;
          expect(looks[other]?.returnvalue).toEqual({
            status: "skipped",
            reason:
              recordingSavedTo === "starter"
                ? "another account still looks for the recording"
                : "another account found the recording and forwards it",
          });
        } finally {
          await second.close();
        }
        expect(await actionResults(h, forwardId)).toHaveLength(1);
        expect(
          h.sandbox.world.messages(DEMO_CHATS.privateTeam.chatId).filter((m) => m.document),
        ).toHaveLength(1);
      } finally {
        await first.close();
      }
    },
  );

  it.each(RECORDING_SAVED_TO_VALUES)(
    "the starting account's session dies before it looks for the recording: the requester hears once (recordings saved to the %s)",
    async (recordingSavedTo) => {
      const { ref, first } = await recordingStartedByFirstAccount(recordingSavedTo);
      try {
        h.sandbox.faults.mtproto({
          method: "*",
          account: DEMO.assistant,
          action: { kind: "flood", seconds: 2 },
          times: 1,
        });
        // The second account's looks answer slowly: the first account's look meets its dead session first.
        h.sandbox.faults.mtproto({
          method: "messages.getHistory",
          account: DEMO.assistantTwo,
          action: { kind: "delay", ms: 600 },
        });
        const stop = recordStopForwardingToPrivateTeam(ref);
        await addTo(first, stop);
        expect((await finalActionResult(h, stop.requestId)).outcome.status).toBe("done");
        h.sandbox.revokeSession(DEMO.assistant);

        const forwardId = `fwd_${stop.requestId}`;
        const told = await finalActionResult(h, forwardId, 15_000);
        const copies = () =>
          h.sandbox.world.messages(DEMO_CHATS.privateTeam.chatId).filter((m) => m.document);
        if (recordingSavedTo === "stopper") {
          expect(told.outcome).toEqual({
            status: "done",
            forwarded: { to: DEMO_CHATS.privateTeam, messageId: expect.any(Number) },
          });
          expect(copies().map((m) => m.forwardedFrom?.userId)).toEqual([DEMO.assistantTwo]);
        } else {
          // The file is in the dead account's Saved Messages: nobody can forward it, and the requester is told.
          expect(told.outcome).toMatchObject({ status: "failed" });
          expect(copies()).toEqual([]);
        }
        const second = accountQueue(h, 2002);
        try {
          await finishedJob(second, forwardId);
          await finishedJob(first, `${forwardId}_on_${DEMO.assistant}`);
        } finally {
          await second.close();
        }
        expect(await actionResults(h, forwardId)).toHaveLength(1);
      } finally {
        await first.close();
      }
    },
  );

  it("what Telegram refuses an account in a chat is learnt for routing", async () => {
    await startAccounts(h, [2001, 2002]);
    const refused = h.request({ target: DEMO_CHATS.noRightsClub });
    await h.addJob(refused);
    expect((await h.finalResult(refused.requestId)).outcome.status).toBe("failed");
    const learnt = await readAssistantRights(h.connection, h.prefix, DEMO.noRightsClub, Date.now());
    expect([...learnt.values()]).toEqual(["none"]);
  });
});

/** Solo Room made private (no username): only its members, 2002 among the assistants, see its calls. */
function privateSoloRoomWorld() {
  const world = multiAssistantWorld();
  return {
    ...world,
    chats: world.chats.map((chat) => {
      if (chat.id !== SOLO_ROOM.id) return chat;
      const { username: _public, ...rest } = chat;
      return rest;
    }),
  };
}

describe("the end-when-empty watch with several accounts", () => {
  const h = harnessPerTest({ sandbox: { world: privateSoloRoomWorld() }, worker: false });
  const MINUTE_MS = 300;
  const soloRoom: TargetChat = { chatId: DEMO.soloRoom, title: SOLO_ROOM.title };

  it("is done by the account that made the call, every tick, and ends the call once", async () => {
    await startAccounts(h, [2001, 2002], { emptyWatchMinuteMs: MINUTE_MS });
    await knowRights(h, soloRoom, { 2001: "none", 2002: "admin" });
    const create = h.request({ target: soloRoom });
    await h.addJob(create);
    const created = (await h.finalResult(create.requestId)).outcome;
    if (created.status !== "created") throw new Error(`not created: ${created.status}`);
    expect(creatorIn(h, soloRoom)).toBe(DEMO.assistantTwo);
    const call = h.sandbox.calls(soloRoom.chatId)[0];
    if (!call) throw new Error("no call");
    h.sandbox.callParticipants(soloRoom.chatId, { guests: 1 });

    // As the bot queues it (follow-empty-watch.ts): into the shared queue, which both workers drain.
    const jobId = emptyWatchJobId(call.id);
    const watch: EmptyWatchRequest = {
      v: 1,
      kind: "empty-watch",
      requestId: jobId,
      target: soloRoom,
      call: { id: call.id, accessHash: call.accessHash },
      emptyMinutes: 1,
      requestedAt: Date.now(),
    };
    await h.calls.add(CALL_JOB_NAMES.emptyWatch, watch, { ...CALL_JOB_DEFAULTS, jobId });
    const watching = accountQueue(h, 2002);
    try {
      const progressOf = async () =>
        ((await watching.getJob(jobId))?.progress ?? {}) as { ticks?: number; failedTicks?: number };
      // Several ticks with someone in the call: 2001, not in the chat, would see GROUPCALL_FORBIDDEN
      // ("the call is over") on any tick it took, and drop the watch.
      await waitFor(async () => ((await progressOf()).ticks ?? 0) >= 4 || undefined, "watch ticks");
      expect(h.sandbox.world.getGroupCall(call.id)?.state).toBe("active");
      h.sandbox.callParticipants(soloRoom.chatId, { leave: "all" });
      await waitFor(
        () => h.sandbox.world.getGroupCall(call.id)?.state === "discarded" || undefined,
        "the empty call ended",
      );
      const done = await finishedJob(watching, jobId);
      expect(done.returnvalue).toEqual({ status: "ended-empty" });
      expect((await progressOf()).failedTicks).toBe(0);
      expect(h.mtprotoCount("phone.discardGroupCall")).toBe(1);
      // The shared queue handed it on, and ran no tick itself.
      expect((await h.finishedJob(jobId)).returnvalue).toEqual({ forwardedTo: DEMO.assistantTwo });
    } finally {
      await watching.close();
    }
  });
});
