import { CallsRegistry, systemClock } from "@callbot/bot";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/*
 * Telegram allows one call per chat, and creating one ends the chat's call for everyone
 * (core.telegram.org/api/group-calls). Reliability checklist 27: a chat already has a live or
 * scheduled call -> no request ends it unless someone allowed to end calls confirmed replacing it.
 */
const COMMUNITY = 1500000001;

const PRIVATE_TEAM = 1500000003;

describe("one call per chat through the whole pipeline", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline();
  });
  afterEach(async () => {
    await p.close();
  });

  it("27: a chat already has a live or scheduled call -> no request, recurring occurrence or retry ends it unless someone allowed to end calls confirmed replacing it", async () => {
    // Started by hand in Telegram: the bot learns of it from the video_chat_started message.
    const weekly = p.sandbox.world.createGroupCall(DEMO.olga, COMMUNITY, {
      randomId: 1,
      title: "Weekly",
      rtmp: false,
    });

    const { reply } = await p.ask(DEMO.adam, DEMO.community, "/newcall Another");
    const text = await p.outcome(reply, /already has/);
    expect(text).toMatch(
      /^«Demo Community» already has a live video chat “Weekly” since \d\d:\d\d; Telegram allows one per chat/,
    );
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
    expect(weekly.state).toBe("active");
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();

    // A scheduled call is kept just the same.
    const later = Math.floor(Date.now() / 1000) + 7200;
    const planned = p.sandbox.world.createGroupCall(DEMO.olga, PRIVATE_TEAM, {
      randomId: 2,
      title: "Planning",
      scheduleDate: later,
      rtmp: false,
    });
    const scheduled = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Other in 1h");
    expect(await p.outcome(scheduled.reply, /already has/)).toMatch(
      /^«Private Team» already has a video chat “Planning” scheduled for .*; Telegram allows one per chat/,
    );
    expect(planned.state).toBe("scheduled");
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
  });

  /** Olga asks for a call where one runs, and gets the question with its two buttons. */
  async function askWhereACallRuns(text: string) {
    const weekly = p.sandbox.world.createGroupCall(DEMO.olga, COMMUNITY, {
      randomId: 1,
      title: "Weekly",
      rtmp: false,
    });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, text);
    await p.outcome(reply, /already has/);
    const question = p.sandbox.world.getMessage(DEMO.community, reply.id)!;
    const buttons = (question.replyMarkup as { inline_keyboard: { text: string; callback_data: string }[][] })
      .inline_keyboard[0]!;
    expect(buttons.map((b) => b.text)).toEqual(["Replace it", "Keep it"]);
    expect(question.text).toContain("Replace it ends that call for everyone");
    const press = async (from: number, label: string) => {
      const data = buttons.find((b) => b.text === label)!.callback_data;
      const pressed = await p.sandbox.pressButton({
        from,
        chatId: DEMO.community,
        messageId: reply.id,
        data,
      });
      return pressed.answer;
    };
    return { weekly, reply, press };
  }

  it("Replace it, pressed by an admin allowed to end calls, ends exactly that call and creates the new one", async () => {
    const { weekly, reply, press } = await askWhereACallRuns("/newcall Fresh");
    // A member may not decide: refused on the button, nothing changes.
    expect((await press(DEMO.max, "Replace it")).text).toMatch(/Only the owner of «Demo Community»/);
    expect(weekly.state).toBe("active");

    expect((await press(DEMO.adam, "Replace it")).text).toBe("Replacing…");
    const text = await p.outcome(reply, /live now/, 15_000);
    expect(text).toMatch(/“Fresh” is live now in «Demo Community»/);
    expect(weekly.state).toBe("discarded");
    const calls = p.sandbox.calls(DEMO.community);
    expect(calls.map((c) => [c.title, c.state])).toEqual([
      ["Weekly", "discarded"],
      ["Fresh", "active"],
    ]);
    expect(p.sandbox.counters().mtproto["phone.discardGroupCall"]).toBe(1);
    // The answered question has no buttons left.
    expect(p.sandbox.world.getMessage(DEMO.community, reply.id)?.replyMarkup).toBeUndefined();

    // The registry keeps the two apart: Weekly ended, Fresh live (the old call's
    // video_chat_ended, which names no call, did not end the new entry).
    const list = await p.ask(DEMO.olga, DEMO.community, "/calls");
    expect(list.reply.text).toMatch(/Video chat “Fresh”\n\s+🔴 live/);
    expect(list.reply.text).toMatch(/Video chat “Weekly”\n\s+⏹ ended/);
  });

  it("Keep it closes the question: the call stays and nothing is created", async () => {
    const { weekly, reply, press } = await askWhereACallRuns("/newcall Fresh");
    expect((await press(DEMO.olga, "Keep it")).text).toBe("Kept.");
    await p.outcome(reply, /Kept the/);
    const kept = p.sandbox.world.getMessage(DEMO.community, reply.id)!;
    expect(kept.text).toBe("👍 Kept the video chat “Weekly” in «Demo Community»; nothing was created.");
    expect(kept.replyMarkup).toBeUndefined();
    expect(weekly.state).toBe("active");
    expect(p.sandbox.calls(DEMO.community)).toHaveLength(1);
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
  });

  it("Replace it after the chat's call changed ends nothing and asks again about the call now there", async () => {
    const { weekly, reply, press } = await askWhereACallRuns("/newcall Fresh");
    p.sandbox.world.discardGroupCall(DEMO.olga, weekly.id);
    const other = p.sandbox.world.createGroupCall(DEMO.olga, COMMUNITY, {
      randomId: 2,
      title: "Other",
      rtmp: false,
    });
    await press(DEMO.olga, "Replace it");
    await p.outcome(reply, /already has a live video chat “Other”/, 15_000);
    expect(other.state).toBe("active");
    expect(p.sandbox.counters().mtproto["phone.discardGroupCall"]).toBeUndefined();
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
  });

  it("from the private chat, the queued answer says early that the bot knows of a call there", async () => {
    p.sandbox.world.createGroupCall(DEMO.olga, COMMUNITY, { randomId: 1, title: "Weekly", rtmp: false });
    // The bot learns of it from the video_chat_started service message.
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const registry = new CallsRegistry(redis, p.prefix, systemClock);
      await waitFor(
        async () => (await registry.current(DEMO.community))?.state === "live",
        "the registry to show the call live",
      );
    } finally {
      await redis.quit();
    }
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/newcall @demo_community Fresh");
    expect(reply.text).toMatch(
      /As far as I know, «Demo Community» already has a live video chat\. Telegram allows one call per chat/,
    );
    expect(await p.outcome(reply, /already has a live video chat “Weekly”/)).toContain("Replace it");
  });
});
