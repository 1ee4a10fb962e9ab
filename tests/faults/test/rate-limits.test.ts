import { DEFAULT_BOT_LIMITS } from "@callbot/bot";
import { waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist lines 30 (every command and press is throttled per user; a flood writes a bounded
 * number of Redis keys, each with a TTL) and 31 (a rate-limit counter never loses its expiry),
 * through the sandbox, the real bot and a real Redis, with the production limits. The counter's
 * script itself: apps/bot/test/count-hit.test.ts.
 */
const { start } = pipelinePerTest();
let p: Pipeline;

const LIMIT = DEFAULT_BOT_LIMITS.updatesPerWindow;
const SLOW_DOWN = /faster than I can take them/;

/** Every key under the pipeline's prefix with its TTL in ms (-1: none). */
async function keysWithTtl(pipeline: Pipeline): Promise<Map<string, number>> {
  const redis = pipeline.queues.connection;
  const found = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${pipeline.prefix}:*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) found.set(key, await redis.pttl(key));
  } while (cursor !== "0");
  return found;
}

async function newKeysSince(pipeline: Pipeline, before: Map<string, number>): Promise<Map<string, number>> {
  const after = await keysWithTtl(pipeline);
  for (const key of before.keys()) after.delete(key);
  return after;
}

const counterOf = (pipeline: Pipeline, userId: number) =>
  `${pipeline.prefix}:bot:ratelimit:updates:${userId}`;

/** Waits until the throttle has counted `hits` updates of the user: each one passed it. */
async function throttleCounted(pipeline: Pipeline, userId: number, hits: number): Promise<void> {
  await waitFor(
    async () =>
      Number(await pipeline.queues.connection.get(counterOf(pipeline, userId))) >= hits ? true : undefined,
    `${hits} updates of ${userId} counted`,
  );
}

describe("30: every command and button press is rate limited per user", () => {
  it("a stranger's flood of commands in private: answers stop at the limit with one 'slow down', and only keys with a TTL are written", async () => {
    p = await start({ worker: false });
    const pipeline = p;
    const before = await keysWithTtl(pipeline);
    const commands = [
      "/calls",
      "/stoprecurring",
      "/rename 1 New name",
      "/rotatekey 1",
      "/autostart on",
      // One message per answer, so that answers count updates (/help now goes in two parts).
      "/timezone",
    ];
    const flood = LIMIT + 15;
    for (let i = 0; i < flood; i++) {
      await pipeline.sandbox.sendText({
        from: WHO.sam,
        chatId: WHO.sam,
        text: commands[i % commands.length]!,
      });
    }
    await throttleCounted(pipeline, WHO.sam, flood);
    const answers = await waitFor(() => {
      const sent = pipeline.sandbox.botMessages(WHO.sam);
      return sent.length >= LIMIT + 1 ? sent : undefined;
    }, "the answers to the flood");
    // Every update has passed the throttle (counted above); those over the limit got nothing.
    expect(answers.filter((m) => SLOW_DOWN.test(m.text ?? ""))).toHaveLength(1);
    expect(answers).toHaveLength(LIMIT + 1);

    const written = await newKeysSince(pipeline, before);
    const withoutTtl = [...written].filter(([, ttl]) => ttl < 0);
    expect(withoutTtl).toEqual([]);
    // One counter, and nothing else of the flood's making that grows with it.
    expect(written.size).toBeLessThanOrEqual(5);
    expect(written.get(counterOf(pipeline, WHO.sam))).toBeLessThanOrEqual(DEFAULT_BOT_LIMITS.updateWindowMs);
  });

  it("/calls sent over and over in private keeps at most 10 redrawable views, each with a TTL", async () => {
    p = await start({ worker: false });
    const pipeline = p;
    const queued = await pipeline.ask(WHO.olga, WHO.community, "/newcall Listed");
    expect(queued.reply.text).toContain("Queued");
    for (let i = 0; i < 25; i++) {
      await pipeline.sandbox.sendText({ from: WHO.olga, chatId: WHO.olga, text: "/calls" });
    }
    const lists = await waitFor(() => {
      const sent = pipeline.sandbox.botMessages(WHO.olga).filter((m) => /Listed/.test(m.text ?? ""));
      return sent.length === 25 ? sent : undefined;
    }, "25 lists");
    expect(lists.every((m) => m.replyMarkup !== undefined)).toBe(true);

    const views = [...(await keysWithTtl(pipeline))].filter(([key]) => key.includes(":bot:calls:view"));
    const perMessage = views.filter(([key]) => key.includes(`:view:${WHO.olga}:`));
    expect(perMessage).toHaveLength(10);
    expect(views.filter(([, ttl]) => ttl < 0)).toEqual([]);
    // The newest list is among those kept (a press there redraws it).
    const newest = lists.reduce((a, b) => (a.id > b.id ? a : b));
    expect(perMessage.map(([key]) => key)).toContain(
      `${pipeline.prefix}:bot:calls:view:${WHO.olga}:${newest.id}`,
    );
  });

  it("a member pressing Stop again and again gets alerts on the button, no message in the group, and is throttled", async () => {
    p = await start({ worker: false });
    const pipeline = p;
    await pipeline.ask(WHO.olga, WHO.community, "/newcall Weekly every monday 18:00");
    const { reply: list } = await pipeline.ask(WHO.olga, WHO.community, "/stoprecurring");
    const markup = list.replyMarkup as {
      inline_keyboard: Array<Array<{ text: string; callback_data: string }>>;
    };
    const stop = markup.inline_keyboard.flat()[0];
    expect(stop?.text).toBe("Stop 1");
    const data = stop!.callback_data;
    const groupMessagesBefore = pipeline.sandbox.botMessages(WHO.community).length;
    pipeline.sandbox.resetCounters();

    const answers: string[] = [];
    for (let i = 0; i < LIMIT + 5; i++) {
      const pressed = await pipeline.sandbox.pressButton({
        from: WHO.max,
        chatId: WHO.community,
        messageId: list.id,
        data,
      });
      answers.push((await pressed.answer).text ?? "");
    }
    expect(
      answers.slice(0, LIMIT).every((text) => /Only the owner of Demo Community or its admins/.test(text)),
    ).toBe(true);
    expect(answers.slice(LIMIT)).toEqual(
      Array(5).fill("Too many presses. Please wait a minute, then try again."),
    );
    expect(pipeline.sandbox.botMessages(WHO.community)).toHaveLength(groupMessagesBefore);
    const api = pipeline.sandbox.counters().botApi;
    expect(api.sendMessage ?? 0).toBe(0);
    expect(api.getChatMember ?? 0).toBeLessThanOrEqual(LIMIT);
    // The rule is still there for its owner to stop.
    const stopped = await pipeline.sandbox.pressButton({
      from: WHO.olga,
      chatId: WHO.community,
      messageId: list.id,
      data,
    });
    expect((await stopped.answer).text).toContain("🛑 Stopped");
  });
});

describe("31: a rate-limit counter never loses its expiry", () => {
  it("a /newcall counter left without a TTL (the plugin's INCR succeeded, its PEXPIRE failed) expires after its next hit and lets the user in again", async () => {
    p = await start({ worker: false, botLimits: { newCallWindowMs: 1_000 } });
    const pipeline = p;
    const redis = pipeline.queues.connection;
    const counter = `${pipeline.prefix}:bot:ratelimit:newcall:${WHO.olga}`;
    // What @grammyjs/ratelimiter's RedisStore leaves when Redis fails between INCR and PEXPIRE.
    await redis.set(counter, "8");
    expect(await redis.pttl(counter)).toBe(-1);

    await pipeline.sandbox.sendText({ from: WHO.olga, chatId: WHO.community, text: "/newcall Locked out" });
    await waitFor(async () => ((await redis.get(counter)) === "9" ? true : undefined), "the hit counted");
    const ttl = await redis.pttl(counter);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
    await waitFor(async () => ((await redis.exists(counter)) === 0 ? true : undefined), "the window to end");

    const again = await pipeline.ask(WHO.olga, WHO.community, "/newcall Let in");
    expect(again.reply.text).toContain("Queued");
  });
});
