import { waitFor } from "@callbot/test-support";
import type { Update } from "grammy/types";
import { describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist lines 3 (the same update twice) and 23 (a burst of /newcall). The sequential replay
 * is also covered by apps/bot/test/newcall.e2e.test.ts ("a replayed update queues one job and
 * sends one acknowledgement").
 */
const { start } = pipelinePerTest();
let p: Pipeline;

describe("3: the same update arrives twice", () => {
  it("replayed after polling, and twice at the same moment (two instances): exactly one job and one ack", async () => {
    const updates: Update[] = [];
    p = await start({ worker: false, observeUpdate: (u) => updates.push(u) });
    const { sent } = await p.ask(WHO.olga, WHO.community, "/newcall Once");
    const update = updates.find((u) => u.message?.message_id === sent.id);
    expect(update).toBeDefined();
    await waitFor(async () => ((await p!.queues.callJobs()).length === 1 ? true : undefined), "the job");

    const bot = p.bot.bot;
    await Promise.all([bot.handleUpdate(update!), bot.handleUpdate(update!), bot.handleUpdate(update!)]);
    expect(await p.queues.callJobs()).toHaveLength(1);
    expect(p.sandbox.botMessages(WHO.community).filter((m) => m.replyToMessageId === sent.id)).toHaveLength(
      1,
    );
  });
});

describe("23: a burst of /newcall from one user", () => {
  it("is rate limited per user, with one 'slow down'; at most one job per chat within the cooldown", async () => {
    p = await start({ worker: false }); // production limits: 5 per minute, 10 s per chat
    const pipeline = p;
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        pipeline.sandbox.sendText({ from: WHO.olga, chatId: WHO.community, text: `/newcall Burst ${i}` }),
      ),
    );
    // Another admin asks for the same chat within the cooldown.
    const adam = await pipeline.ask(WHO.adam, WHO.community, "/newcall Me too");
    expect(adam.reply.text).toContain("A request for Demo Community is already being handled");

    await waitFor(() => {
      const answered = pipeline.sandbox
        .botMessages(WHO.community)
        .filter((m) => sent.some((s) => s.id === m.replyToMessageId));
      return answered.length >= 5 && answered.some((m) => /too often/.test(m.text ?? ""))
        ? answered
        : undefined;
    }, "answers to the burst");
    const help = await pipeline.ask(WHO.olga, WHO.olga, "/help"); // everything before it was handled
    expect(help.reply.text).toBeTruthy();
    const texts = pipeline.sandbox
      .botMessages(WHO.community)
      .filter((m) => sent.some((s) => s.id === m.replyToMessageId))
      .map((m) => m.text ?? "");
    expect(texts.filter((t) => /Queued: /.test(t))).toHaveLength(1);
    expect(texts.filter((t) => /already being handled/.test(t))).toHaveLength(4);
    expect(texts.filter((t) => /too often/.test(t))).toHaveLength(1);
    expect(texts).toHaveLength(6); // the other four over the limit get no answer at all
    const jobs = await pipeline.queues.callJobs();
    expect(jobs).toHaveLength(1);
  });
});
