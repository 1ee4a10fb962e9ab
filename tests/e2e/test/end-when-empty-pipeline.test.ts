import { PARTICIPANT_COUNT_UPDATES_VALUES, type WorldGroupCall } from "@callbot/sandbox";
import { emptyWatchJobId, QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { PUSHES_TRUSTED_FOR_MINUTES } from "@callbot/worker";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** A "minute" of the end-when-empty watch here (the worker's emptyWatchMinuteMs). */
const MINUTE_MS = 400;
const EMPTY_MINUTES = 2;

/*
 * Issue 15's "end when empty": /endwhenempty N in a chat ends a live call that nobody has been
 * in for N minutes, reading participants_count from pushed updateGroupCall updates or, where
 * Telegram pushes none (the sandbox's participantCountUpdates: an undocumented behaviour), from
 * phone.getGroupCall at most once a minute. Run under both.
 */
describe.each(PARTICIPANT_COUNT_UPDATES_VALUES)(
  "end when empty (participant count updates %s)",
  (updates) => {
    let p: Pipeline;
    let inspector: Redis;
    let calls: Queue;

    beforeAll(async () => {
      p = await startPipeline({
        settings: { participantCountUpdates: updates },
        worker: { emptyWatchMinuteMs: MINUTE_MS },
        botLimits: { chatCooldownSeconds: 1 },
      });
      inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: p.prefix });
      const { reply } = await p.ask(DEMO.olga, DEMO.community, `/endwhenempty ${EMPTY_MINUTES}`);
      expect(reply.text).toMatch(/ended once nobody has been in it for 2 min/);
    });
    afterAll(async () => {
      await calls?.close();
      await inspector?.quit();
      await p?.close();
    });

    const liveCall = async (title: string): Promise<WorldGroupCall> => {
      // One request per chat at a time (the bot's per-chat cooldown, 1 s here).
      await waitFor(
        async () => (await inspector.exists(`${p.prefix}:bot:cooldown:${DEMO.community}`)) === 0 || undefined,
        "the chat's cooldown to pass",
      );
      const { reply } = await p.ask(DEMO.olga, DEMO.community, `/newcall ${title}`);
      await p.outcome(reply, /is live now/);
      const call = p.sandbox.calls(DEMO.community).at(-1);
      if (call?.state !== "active") throw new Error(`${title} is not live`);
      return call;
    };
    const ticksOf = async (callId: string) => {
      const job = await calls.getJob(emptyWatchJobId(callId));
      return (job?.progress as { ticks?: number } | undefined)?.ticks ?? 0;
    };

    it("keeps a call people are in, and ends exactly that call once it stayed empty for N minutes", async () => {
      const call = await liveCall("Hangout");
      // People join once the watch looks at the call (from then on the assistant keeps its pushes).
      await waitFor(async () => (await ticksOf(call.id)) >= 1 || undefined, "the watch's first look");
      p.sandbox.callParticipants(DEMO.community, { guests: 2 });
      p.sandbox.resetCounters();
      const countedFrom = Date.now();
      // Several minutes with people in it: the watch looks, and leaves the call alone.
      await waitFor(
        async () => (await ticksOf(call.id)) >= 2 * EMPTY_MINUTES + 2 || undefined,
        "watch ticks",
      );
      expect(p.sandbox.world.getGroupCall(call.id)?.state).toBe("active");

      const leftAt = Date.now();
      p.sandbox.callParticipants(DEMO.community, { leave: "all" });
      await waitFor(
        () => p.sandbox.world.getGroupCall(call.id)?.state === "discarded" || undefined,
        "the empty call ended",
      );
      const emptyForMs = Date.now() - leftAt;
      expect(emptyForMs).toBeGreaterThanOrEqual(EMPTY_MINUTES * MINUTE_MS - 50);
      const job = await waitFor(async () => {
        const watch = await calls.getJob(emptyWatchJobId(call.id));
        // Read whole once finished (a job read while it runs has no return value yet).
        return watch?.finishedOn !== undefined ? watch : undefined;
      }, "the watch to finish");
      expect(job.returnvalue).toEqual({ status: "ended-empty" });

      // Telegram's cost: never more than one phone.getGroupCall per watched minute (plus the
      // confirmation before the end); none while pushed updates tell the count.
      const { mtproto } = p.sandbox.counters();
      const minutesWatched = Math.ceil((Date.now() - countedFrom) / MINUTE_MS);
      // Pushed: besides the confirmation, one look after each PUSHES_TRUSTED_FOR_MINUTES of silence.
      const quietLooks = Math.floor(minutesWatched / PUSHES_TRUSTED_FOR_MINUTES);
      if (updates === "pushed")
        expect(mtproto["phone.getGroupCall"] ?? 0).toBeLessThanOrEqual(1 + quietLooks);
      else expect(mtproto["phone.getGroupCall"] ?? 0).toBeLessThanOrEqual(minutesWatched + 1);
      expect(mtproto["phone.discardGroupCall"]).toBe(1);
    });

    it("a call ended by hand cancels its watch, which never touches the chat's next call", async () => {
      const first = await liveCall("Standup");
      p.sandbox.callParticipants(DEMO.community, { guests: 1 });
      await waitFor(async () => (await ticksOf(first.id)) >= 1 || undefined, "the first call watched");
      p.sandbox.world.discardGroupCall(DEMO.olga, first.id);
      // The bot saw video_chat_ended and removed the watch (or the worker found the call over).
      await waitFor(async () => {
        const job = await calls.getJob(emptyWatchJobId(first.id));
        return job === undefined || (await job.isCompleted()) || undefined;
      }, "the first call's watch gone");

      const { reply } = await p.ask(DEMO.olga, DEMO.community, "/endwhenempty off");
      expect(reply.text).toMatch(/run until someone ends them/);
      const second = await liveCall("Afterparty");
      expect(second.id).not.toBe(first.id);
      expect(await calls.getJob(emptyWatchJobId(second.id))).toBeUndefined();
      expect(p.sandbox.world.getGroupCall(second.id)?.state).toBe("active");
    });
  },
);
