import { botKeys } from "@callbot/bot";
import { describeTelegramError, QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

const ASSISTANT = "@callbot_assistant";

/** What the catalogue tells the user for this error about this chat: the chat must show exactly that. */
function catalogueMessage(errorName: string, chat: { title: string; username?: string }): string {
  return describeTelegramError(errorName, {
    chatTitle: chat.title,
    ...(chat.username !== undefined && { chatUsername: chat.username }),
    userbotName: ASSISTANT,
  }).userMessage;
}

describe("each documented createGroupCall error reaches the chat as the catalogue's message", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline();
  });
  afterEach(async () => {
    await p.close();
  });

  it("CHANNEL_PRIVATE: the assistant is not in the private chat", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.lockedRoom, "/newcall Secret meeting");
    const text = await p.outcome(reply, /could not create/);
    expect(text).toContain(catalogueMessage("CHANNEL_PRIVATE", { title: "Locked Room" }));
    expect(text).not.toMatch(/CHANNEL_PRIVATE/);
    expect(p.sandbox.calls(DEMO.lockedRoom)).toEqual([]);
  });

  it("CHAT_ADMIN_REQUIRED: the assistant lacks the video-chat right, and the message says who needs which right", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/newcall Club night");
    const text = await p.outcome(reply, /could not create/);
    const expected = catalogueMessage("CHAT_ADMIN_REQUIRED", {
      title: "No Rights Club",
      username: "no_rights_club",
    });
    expect(text).toContain(expected);
    expect(expected).toContain(ASSISTANT);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(1); // a user error is not retried
  });

  it("CREATE_CALL_FAILED is Telegram's passing failure: retried with the same random_id, one call in the end", async () => {
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "error", code: 400, message: "CREATE_CALL_FAILED" },
      times: 1,
    });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Second try");
    const text = await p.outcome(reply, /live now|could not create/, 15_000);
    expect(text).toMatch(/“Second try” is live now/);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(2);
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
  });

  it("CREATE_CALL_FAILED has a message that says to try again later", () => {
    expect(catalogueMessage("CREATE_CALL_FAILED", { title: "Demo Community" })).toMatch(
      /Try again in a few minutes/,
    );
  });

  it.each([["GROUPCALL_ALREADY_DISCARDED"], ["PEER_ID_INVALID"], ["SCHEDULE_DATE_INVALID"]])(
    "%s from Telegram gives the catalogue's message, once",
    async (errorName) => {
      p.sandbox.faults.mtproto({
        method: "phone.createGroupCall",
        action: { kind: "error", code: 400, message: errorName },
        times: 1,
      });
      const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Town hall");
      const text = await p.outcome(reply, /could not create/);
      expect(text).toContain(
        catalogueMessage(errorName, { title: "Demo Community", username: "demo_community" }),
      );
      expect(text).not.toContain(errorName);
      expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(1);
      expect(p.sandbox.calls(DEMO.community)).toEqual([]);
    },
  );
});

describe("delays and restarts", () => {
  let p: Pipeline;
  const redis = new Redis(REDIS_URL);
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    p = await startPipeline();
  });
  afterEach(async () => {
    await p.close();
  });

  it("FLOOD_WAIT: the requester is told about the delay, then the call is created exactly once", async () => {
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: 3 },
      times: 1,
    });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Busy hour");
    await p.outcome(reply, /asked the assistant to wait 3 s|wait .*3 s/);
    const duringWait = p.sandbox.counters().mtproto;

    const text = await p.outcome(reply, /live now/, 15_000);
    expect(text).toMatch(/“Busy hour” is live now/);
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
    // One refused attempt, one that worked: no loop, and nothing else sent from the account meanwhile.
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(2);
    expect(duringWait["phone.createGroupCall"]).toBe(1);
  }, 30_000);

  it("the bot is down while the worker finishes: the report arrives when the bot starts again", async () => {
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "delay", ms: 800 },
      times: 1,
    });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Night shift");
    await p.bot.stop();

    // The worker carries on without the bot: the call appears in Telegram.
    await p.waitForCalls(DEMO.community, 1);
    expect(p.sandbox.world.getMessage(DEMO.community, reply.id)?.editHistory).toEqual([]);

    await p.startBot();
    const text = await p.outcome(reply, /live now/);
    expect(text).toMatch(/“Night shift” is live now in «Demo Community»/);
  });

  it("the bot died after answering 'queued' but before the job was added: its next start queues it, once", async () => {
    await p.worker.stop();
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Survivor");
    const calls = new Queue(QUEUE_NAMES.calls, { connection: redis, prefix: p.prefix });
    // The answer comes before the add: poll until the job is there (a real condition, bounded).
    const deadline = Date.now() + 5_000;
    let [job] = await calls.getJobs(["waiting"]);
    while (!job && Date.now() < deadline) [job] = await calls.getJobs(["waiting"]);
    expect(job).toBeDefined();
    // Recreate what Redis holds when the process dies between the answer and the add: the
    // request written ahead in its ledger, claimed by the dead process, and no job.
    const keys = botKeys(p.prefix);
    await redis
      .multi()
      .hset(keys.request(job!.id!), "state", "pending:dead", "request", JSON.stringify(job!.data))
      .expire(keys.request(job!.id!), 3600)
      .zadd(keys.pendingIndex, Date.now(), job!.id!)
      .exec();
    await job!.remove();
    await p.bot.stop();

    await p.startWorker().ready;
    await p.startBot();
    const text = await p.outcome(reply, /live now/);
    expect(text).toMatch(/“Survivor” is live now in «Demo Community»/);
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
    expect(await redis.zcard(keys.pendingIndex)).toBe(0);
    await calls.close();
  });
});
