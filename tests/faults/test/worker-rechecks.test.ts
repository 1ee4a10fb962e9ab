import { describeTelegramError, writeOperators } from "@callbot/shared";
import { waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { dailyTimeAhead } from "./support/daily-time-ahead.ts";
import { faultsWorld, roomId, WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist lines 14 (schedule bounds, at parse time and again when the job runs) and 17
 * (rights revoked between queueing and running): what the bot checked can change while a job
 * waits, so the worker checks again.
 */
const { start } = pipelinePerTest();
let p: Pipeline;

const HOUR = 60 * 60 * 1000;

function catalogue(errorName: string, chat: { title: string; username?: string }): string {
  return describeTelegramError(errorName, {
    chatTitle: chat.title,
    ...(chat.username && { chatUsername: chat.username }),
    userbotName: "@callbot_assistant",
  }).userMessage;
}

describe("14: the schedule must be 10 s to a year ahead (Telegram: 8 days; the calendar plans later ones)", () => {
  it("refused when parsed, with a message that gives the allowed range; nothing queued", async () => {
    p = await start({ world: faultsWorld({ rooms: 3 }), worker: false });
    const cases = [
      [
        roomId(1),
        "/newcall Standup 2020-01-01T10:00",
        /is in the past. A call can be scheduled between 10 seconds and a year/,
      ],
      [roomId(2), "/newcall Standup in 3s", /too soon.*10 seconds/s],
      [roomId(3), "/newcall Standup in 400 days", /too far ahead.*a year/s],
    ] as const;
    for (const [chatId, text, expected] of cases) {
      const { reply } = await p.ask(WHO.olga, chatId, text);
      expect(reply.text).toMatch(expected);
    }
    expect(await p.queues.callJobs()).toEqual([]);
  });

  it("checked again when the job runs: a request whose time passed while it waited is refused, not sent", async () => {
    // The request was made an hour ago ("in 30m" then): its time has passed by the time it runs.
    const anHourAgo = { now: () => Date.now() - HOUR };
    p = await start({ botClock: anHourAgo });
    p.sandbox.resetCounters();
    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall Late in 30m");
    expect(reply.text).toContain("scheduled for");
    const text = await p.outcome(reply, /could not/);
    expect(text).toContain(
      catalogue("SCHEDULE_DATE_INVALID", { title: "Demo Community", username: "demo_community" }),
    );
    expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBeUndefined();
    expect(p.sandbox.calls(WHO.community)).toEqual([]);
  });
});

describe("17: rights revoked between queueing and running", () => {
  it("the worker's own check (channels.getParticipants) refuses a requester who lost the right, and lets the owner through", async () => {
    p = await start({ worker: false });
    const adam = await p.ask(WHO.adam, WHO.community, "/newcall Adam's call");
    const olga = await p.ask(WHO.olga, WHO.privateTeam, "/newcall Olga's call");
    expect(adam.reply.text).toContain("Queued");
    // While the jobs wait, the owner takes Adam's admin right away.
    p.sandbox.setRole(WHO.community, WHO.adam, { status: "member" });
    await p.startWorker({ recheckRightsAfterMs: 0 });

    const refused = await p.outcome(adam.reply, /could not/);
    expect(refused).toContain(
      catalogue("REQUESTER_RIGHTS_REVOKED", { title: "Demo Community", username: "demo_community" }),
    );
    expect(p.sandbox.calls(WHO.community)).toEqual([]);
    await p.outcome(olga.reply, /live now/);
    expect(p.sandbox.calls(WHO.privateTeam)).toHaveLength(1);
    expect(p.sandbox.counters().mtproto["channels.getParticipants"]).toBe(2);
  });

  // Whether a channel's admin list is open to its non-admins is undocumented (the sandbox's
  // adminListAccess); the worker's re-check must give the same outcome under either answer.
  const adminListAccessValues = ["members-in-supergroups", "any-member"] as const;

  it.each(adminListAccessValues)(
    "in a channel (admin list: %s) the owner's waited request goes through",
    async (adminListAccess) => {
      p = await start({ world: { ...faultsWorld(), settings: { adminListAccess } }, worker: false });
      const { reply } = await p.ask(WHO.olga, WHO.olga, "/newcall @demo_channel Channel call");
      expect(reply.text).toContain("Queued");
      await p.startWorker({ recheckRightsAfterMs: 0 });
      await p.outcome(reply, /live now/);
      expect(p.sandbox.calls(WHO.channel)).toHaveLength(1);
      expect(p.sandbox.counters().mtproto["channels.getParticipants"]).toBe(1);
    },
  );

  it.each(adminListAccessValues)(
    "in a channel (admin list: %s) whose assistant was demoted, the owner is told it lacks the right",
    async (adminListAccess) => {
      p = await start({ world: { ...faultsWorld(), settings: { adminListAccess } }, worker: false });
      const { reply } = await p.ask(WHO.olga, WHO.olga, "/newcall @demo_channel Channel call");
      expect(reply.text).toContain("Queued");
      p.sandbox.setRole(WHO.channel, WHO.assistant, { status: "member" });
      await p.startWorker({ recheckRightsAfterMs: 0 });
      const refused = await p.outcome(reply, /could not/);
      expect(refused).toContain(
        catalogue("CHAT_ADMIN_REQUIRED", { title: "Demo Channel", username: "demo_channel" }),
      );
      expect(p.sandbox.calls(WHO.channel)).toEqual([]);
    },
  );

  it("an operator's request (OWNER_IDS, in no chat) that waited is carried out: the worker knows the operators from the bot", async () => {
    p = await start({ worker: false });
    const { reply } = await p.ask(WHO.oscar, WHO.oscar, "/newcall @demo_community Operator's call");
    expect(reply.text).toContain("Queued");
    await p.startWorker({ recheckRightsAfterMs: 0 });
    await p.outcome(reply, /live now/);
    expect(p.sandbox.calls(WHO.community)).toHaveLength(1);
    // Operators hold no chat rights to re-check: no admin list was read for them.
    expect(p.sandbox.counters().mtproto["channels.getParticipants"]).toBeUndefined();
  });

  it("an operator's recurring rule creates its occurrences; once the operator is no longer in OWNER_IDS, the next one is refused", async () => {
    p = await start({ worker: false });
    const { reply } = await p.ask(
      WHO.oscar,
      WHO.oscar,
      `/newcall @demo_community Ops sync every day ${dailyTimeAhead()}`,
    );
    expect(reply.text).toContain("Recurring video chat “Ops sync”");
    // The next occurrence is less than a day away: the bot queued that occurrence at once.
    let workerNow = Date.now();
    await p.startWorker({ now: () => workerNow });
    const [call] = await waitFor(() => {
      const made = p.sandbox.calls(WHO.community);
      return made.length === 1 ? made : undefined;
    }, "the occurrence's call");
    expect(call!.title).toBe("Ops sync");

    // The bot is restarted without Oscar in OWNER_IDS (it publishes the list it is given); the
    // call ends and a day passes for the worker; the rule fires again.
    await writeOperators(p.queues.connection, p.prefix, [], Date.now());
    workerNow = call!.scheduleDate! * 1000 + 60_000;
    p.sandbox.world.discardGroupCall(WHO.olga, call!.id);
    const [scheduler] = await p.queues.calls.getJobSchedulers();
    await p.queues.calls.add(scheduler!.name, scheduler!.template!.data!, { jobId: "a-day-later" });
    const refused = await p.sandbox.waitForBotMessage(
      WHO.oscar,
      (m) =>
        m.text?.includes(
          catalogue("REQUESTER_RIGHTS_REVOKED", { title: "Demo Community", username: "demo_community" }),
        ) ?? false,
      { timeoutMs: 20_000 },
    );
    expect(refused.text).toBeDefined();
    expect(p.sandbox.calls(WHO.community).filter((c) => c.state !== "discarded")).toEqual([]);
  });

  it("18 at run time: a livestream whose requester is no longer the chat's owner is refused", async () => {
    p = await start({ world: faultsWorld({ rooms: 1 }), worker: false });
    const { reply } = await p.ask(WHO.olga, roomId(1), "/newcall Launch rtmp");
    expect(reply.text).toContain("Queued: livestream");
    // Ownership moves to the assistant account; Olga stays an admin with the video-chat right.
    p.sandbox.setRole(roomId(1), WHO.assistant, { status: "owner" });
    p.sandbox.setRole(roomId(1), WHO.olga, { status: "admin", rights: { manageCall: true } });
    await p.startWorker({ recheckRightsAfterMs: 0 });
    const text = await p.outcome(reply, /could not/);
    expect(text).toContain(catalogue("RTMP_OWNER_ONLY", { title: "Room 1" }));
    expect(p.sandbox.calls(roomId(1))).toEqual([]);
  });
});
