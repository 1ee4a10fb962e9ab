import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline, WHO } from "./support/pipeline.ts";

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
    const weekly = p.sandbox.world.createGroupCall(WHO.olga, COMMUNITY, {
      randomId: 1,
      title: "Weekly",
      rtmp: false,
    });

    const { reply } = await p.ask(WHO.adam, WHO.community, "/newcall Another");
    const text = await p.outcome(reply, /already has/);
    expect(text).toMatch(
      /^«Demo Community» already has a live video chat “Weekly” since \d\d:\d\d; Telegram allows one per chat/,
    );
    expect(p.sandbox.calls(WHO.community)).toHaveLength(1);
    expect(weekly.state).toBe("active");
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();

    // A scheduled call is kept just the same.
    const later = Math.floor(Date.now() / 1000) + 7200;
    const planned = p.sandbox.world.createGroupCall(WHO.olga, PRIVATE_TEAM, {
      randomId: 2,
      title: "Planning",
      scheduleDate: later,
      rtmp: false,
    });
    const scheduled = await p.ask(WHO.olga, WHO.privateTeam, "/newcall Other in 1h");
    expect(await p.outcome(scheduled.reply, /already has/)).toMatch(
      /^«Private Team» already has a video chat “Planning” scheduled for .*; Telegram allows one per chat/,
    );
    expect(planned.state).toBe("scheduled");
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
  });
});
