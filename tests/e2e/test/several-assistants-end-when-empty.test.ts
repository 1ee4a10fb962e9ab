import { multiAssistantWorld, type WorldGroupCall } from "@callbot/sandbox";
import { accountCallsQueueName, emptyWatchJobId } from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { listWithButton, pressLabelled } from "./support/buttons.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** A "minute" of the end-when-empty watch where it must end calls (the workers' emptyWatchMinuteMs). */
const MINUTE_MS = 300;
/**
 * A "minute" long enough that the watch's next look comes well after the bot has seen the call
 * end: a watch still there after the end was not cancelled (the worker would also stop it at
 * its next look, finding the call over, but only then).
 */
const LONG_MINUTE_MS = 20_000;
const EMPTY_MINUTES = 2;
const WAITING = ["waiting", "delayed", "prioritized", "active"] as const;

/*
 * Issue 15's "end when empty" with issue 13's several assistant accounts: a watch's ticks wait in
 * the queue of the account that watches the call (the one that made it), not in the shared intake.
 * A call ended by hand cancels it there; an account that loses its session hands it on to another
 * account that may manage the chat's calls, or the chat is told that nobody can.
 */
describe("end when empty, with two assistant accounts", () => {
  let p: Pipeline;
  let inspector: Redis;
  const queues = new Map<number, Queue>();
  /** The bot and two workers (two assistant accounts), the watch's minute this long. */
  async function start(minuteMs: number): Promise<void> {
    p = await startPipeline({
      world: multiAssistantWorld(),
      worker: { statusHeartbeatMs: 300, emptyWatchMinuteMs: minuteMs },
      botLimits: { chatCooldownSeconds: 1 },
    });
    await p.startAssistant("callbot_assistant_two").ready;
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  }
  afterEach(async () => {
    await Promise.allSettled([...queues.values()].map((q) => q.close()));
    queues.clear();
    await inspector?.quit();
    await p?.close();
  });

  /** The calls queue of one assistant account, where the watch of the calls it manages waits. */
  const queueOf = (accountId: number): Queue => {
    let queue = queues.get(accountId);
    if (!queue) {
      queue = new Queue(accountCallsQueueName(accountId), { connection: inspector, prefix: p.prefix });
      queues.set(accountId, queue);
    }
    return queue;
  };
  const otherThan = (accountId: number) =>
    accountId === DEMO.assistant ? DEMO.assistantTwo : DEMO.assistant;

  const endWhenEmpty = async (chatId: number) => {
    const { reply } = await p.ask(DEMO.olga, chatId, `/endwhenempty ${EMPTY_MINUTES}`);
    expect(reply.text).toMatch(/ended once nobody has been in it for 2 min/);
  };
  const liveCall = async (chatId: number, title: string): Promise<WorldGroupCall> => {
    await waitFor(
      async () => (await inspector.exists(`${p.prefix}:bot:cooldown:${chatId}`)) === 0 || undefined,
      "the chat's cooldown to pass",
    );
    const { reply } = await p.ask(DEMO.olga, chatId, `/newcall ${title}`);
    await p.outcome(reply, /is live now/);
    const call = p.sandbox.calls(chatId).at(-1);
    if (call?.state !== "active") throw new Error(`${title} is not live`);
    return call;
  };
  /** The watch's ticks in this account's queue (0 when it is not there). */
  const ticksIn = async (accountId: number, callId: string) => {
    const job = await queueOf(accountId).getJob(emptyWatchJobId(callId));
    return (job?.progress as { ticks?: number } | undefined)?.ticks ?? 0;
  };
  /** The watch of a call, once finished in this account's queue, read whole. */
  const finishedWatch = (accountId: number, callId: string) =>
    waitFor(async () => {
      const job = await queueOf(accountId).getJob(emptyWatchJobId(callId));
      return job?.finishedOn !== undefined ? job : undefined;
    }, `the watch of ${callId} to finish for ${accountId}`);
  /** Whether a watch of the call still waits or runs anywhere (the intake or an account's queue). */
  const watchPending = async (callId: string) => {
    for (const accountId of [DEMO.assistant, DEMO.assistantTwo]) {
      const job = await queueOf(accountId).getJob(emptyWatchJobId(callId));
      if (job && (WAITING as readonly string[]).includes(await job.getState())) return true;
    }
    return false;
  };
  const endedBy = (chatId: number) =>
    p.sandbox.world
      .messages(chatId)
      .filter((m) => m.service?.kind === "video_chat_ended")
      .map((m) => m.fromUserId);

  /** A live call people are in, watched (ticking) in the queue of the account that made it. */
  async function watchedCall(chatId: number, title: string) {
    const call = await liveCall(chatId, title);
    const maker = call.createdBy;
    p.sandbox.callParticipants(chatId, { guests: 1 });
    await waitFor(async () => (await ticksIn(maker, call.id)) >= 1 || undefined, "the watch ticking");
    return { call, maker };
  }

  /**
   * After the first call was ended by hand: its watch was removed from the account's queue (not
   * finished by a look of its own, which comes a long minute later), and the chat's next call
   * has a watch of its own, which the first one never touches.
   */
  async function cancelledAndNextCallLeftAlone(first: WorldGroupCall, maker: number): Promise<void> {
    await waitFor(
      async () => (await queueOf(maker).getJob(emptyWatchJobId(first.id))) === undefined || undefined,
      "the ended call's watch removed from its account's queue",
    );
    expect(await watchPending(first.id)).toBe(false);
    const { call: second } = await watchedCall(DEMO.community, "Afterparty");
    expect(second.id).not.toBe(first.id);
    expect(p.sandbox.world.getGroupCall(second.id)?.state).toBe("active");
    expect(endedBy(DEMO.community)).toHaveLength(1);
  }

  it("a call ended in Telegram cancels its watch in the account's queue; the next call is left alone", async () => {
    await start(LONG_MINUTE_MS);
    await endWhenEmpty(DEMO.community);
    const { call, maker } = await watchedCall(DEMO.community, "Standup");
    // The watch waits in the account's queue, not in the shared intake.
    expect(await ticksIn(maker, call.id)).toBeGreaterThanOrEqual(1);
    p.sandbox.world.discardGroupCall(DEMO.olga, call.id);
    await cancelledAndNextCallLeftAlone(call, maker);
    expect(endedBy(DEMO.community)).toEqual([DEMO.olga]);
  });

  it("a call ended with End in /calls cancels its watch in the account's queue; the next call is left alone", async () => {
    await start(LONG_MINUTE_MS);
    await endWhenEmpty(DEMO.community);
    const { call, maker } = await watchedCall(DEMO.community, "Standup");
    const list = await listWithButton(p, DEMO.olga, DEMO.community, "End");
    await pressLabelled(p.sandbox, DEMO.olga, list, "End");
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /has ended/.test(m.text ?? ""));
    await cancelledAndNextCallLeftAlone(call, maker);
  });

  it("the watching account's session dies: another account takes the watch and ends the call once it stayed empty", async () => {
    await start(MINUTE_MS);
    await endWhenEmpty(DEMO.community);
    const { call, maker } = await watchedCall(DEMO.community, "Standup");
    const other = otherThan(maker);
    p.sandbox.revokeSession(maker);
    const leftAt = Date.now();
    p.sandbox.callParticipants(DEMO.community, { leave: "all" });
    await waitFor(
      () => p.sandbox.world.getGroupCall(call.id)?.state === "discarded" || undefined,
      "the empty call ended",
      20_000,
    );
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(EMPTY_MINUTES * MINUTE_MS);
    expect(endedBy(DEMO.community)).toEqual([other]);
    expect((await finishedWatch(other, call.id)).returnvalue).toEqual({ status: "ended-empty" });
    expect(await watchPending(call.id)).toBe(false);
    // Nothing about the watch was said in the chat: it did its work.
    expect(botMessages(DEMO.community).filter((m) => /end by itself/.test(m.text ?? ""))).toEqual([]);
  });

  it("the watching account's session dies where no other account may manage calls: the chat is told", async () => {
    await start(MINUTE_MS);
    // Solo Room: only the second account is an admin.
    await endWhenEmpty(DEMO.soloRoom);
    const { call, maker } = await watchedCall(DEMO.soloRoom, "Standup");
    expect(maker).toBe(DEMO.assistantTwo);
    p.sandbox.revokeSession(maker);
    const told = await p.sandbox.waitForBotMessage(DEMO.soloRoom, (m) => /end by itself/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });
    expect(told.text).toBe(
      "⚠️ The call in «Solo Room» will no longer end by itself when it is empty: @callbot_assistant_two, " +
        "the assistant account watching it, lost its Telegram login, and no other assistant account " +
        "may manage video chats there. End the call by hand when you are done.",
    );
    expect(await watchPending(call.id)).toBe(false);
    expect(p.sandbox.world.getGroupCall(call.id)?.state).toBe("active");
  });

  it("the session's death is found by another request while the watch waits: the chat is told at once", async () => {
    await start(LONG_MINUTE_MS);
    await endWhenEmpty(DEMO.soloRoom);
    const { call, maker } = await watchedCall(DEMO.soloRoom, "Standup");
    p.sandbox.revokeSession(maker);
    // A rename meets the dead session first; the watch's next look is a long minute away, and
    // a worker whose session died takes no more work, so the watch is dealt with now.
    const { reply } = await p.ask(DEMO.olga, DEMO.soloRoom, "/rename Retro");
    await p.outcome(reply, /login|session|could not/i);
    const told = await p.sandbox.waitForBotMessage(DEMO.soloRoom, (m) => /end by itself/.test(m.text ?? ""));
    expect(told.text).toContain(
      "@callbot_assistant_two, the assistant account watching it, lost its Telegram login",
    );
    expect(await watchPending(call.id)).toBe(false);
    expect(p.sandbox.world.getGroupCall(call.id)?.state).toBe("active");
  });

  const botMessages = (chatId: number) =>
    p.sandbox.world.messages(chatId).filter((m) => m.fromUserId === DEMO.bot);
});
