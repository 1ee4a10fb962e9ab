import type { WorldGroupCall, WorldMessage } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buttonOf, pressLabelled } from "./support/buttons.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** The /calls buttons pressed by a real user, carried out by the real worker in the sandbox's Telegram. */
describe("/calls buttons through the whole pipeline", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline();
  });
  afterEach(async () => {
    await p.close();
  });

  /** Creates a call through /newcall and waits for the worker's report. */
  async function createCall(chatId: number, text: string, done: RegExp): Promise<void> {
    const { reply } = await p.ask(DEMO.olga, chatId, text);
    await p.outcome(reply, done);
  }

  /** Sends /calls and waits until its list offers `label` (the registry follows results and service messages). */
  async function listWithButton(from: number, chatId: number, label: string): Promise<WorldMessage> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { reply } = await p.ask(from, chatId, "/calls");
      if (button(reply, label)) return reply;
      if (Date.now() > deadline) throw new Error(`/calls never offered ${label}; last: ${reply.text}`);
      await p.sandbox
        .waitForBotMessage(chatId, (m) => m.id > reply.id, { timeoutMs: 200 })
        .catch(() => undefined);
    }
  }

  const button = buttonOf;
  const press = (from: number, message: WorldMessage, label: string) =>
    pressLabelled(p.sandbox, from, message, label);

  /** Resolves with the chat's call once `matches` holds for it (the sandbox's own view of Telegram). */
  function callBecomes(chatId: number, matches: (call: WorldGroupCall) => boolean): Promise<WorldGroupCall> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const call = p.sandbox.calls(chatId).find(matches);
        if (!call) return;
        cleanup();
        resolve(call);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no call in ${chatId} reached the expected state; calls: ${JSON.stringify(p.sandbox.calls(chatId))}`,
          ),
        );
      }, 10_000);
      const cleanup = () => {
        clearTimeout(timer);
        p.sandbox.world.off("groupCall", check);
      };
      p.sandbox.world.on("groupCall", check);
      check();
    });
  }

  it("Start now starts a scheduled call in Telegram, and the list says so", async () => {
    await createCall(DEMO.privateTeam, "/newcall Planning in 2h", /is scheduled/);
    const list = await listWithButton(DEMO.olga, DEMO.privateTeam, "Start now");
    const answer = await press(DEMO.olga, list, "Start now");
    expect(answer.text).toMatch(/Starting/);
    await callBecomes(DEMO.privateTeam, (c) => c.state === "active");
    const edited = await p.sandbox.waitForEdit(
      list.chatId,
      list.id,
      (m) => /is live now/.test(m.text ?? ""),
      {
        timeoutMs: 10_000,
      },
    );
    expect(edited.text).toContain("▶️ “Planning” is live now in «Private Team».");
    expect(p.sandbox.counters().mtproto["phone.startScheduledGroupCall"]).toBe(1);
  });

  it("End ends a live call, and Cancel discards a scheduled one", async () => {
    await createCall(DEMO.community, "/newcall Standup", /live now/);
    const live = await listWithButton(DEMO.olga, DEMO.community, "End");
    await press(DEMO.olga, live, "End");
    await callBecomes(DEMO.community, (c) => c.state === "discarded");
    await p.sandbox.waitForEdit(live.chatId, live.id, (m) => /has ended/.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });

    await createCall(DEMO.privateTeam, "/newcall Retro tomorrow 18:00", /is scheduled/);
    const scheduled = await listWithButton(DEMO.olga, DEMO.privateTeam, "Cancel");
    await press(DEMO.olga, scheduled, "Cancel");
    await callBecomes(DEMO.privateTeam, (c) => c.state === "discarded");
    const edited = await p.sandbox.waitForEdit(
      scheduled.chatId,
      scheduled.id,
      (m) => /cancelled/.test(m.text ?? ""),
      {
        timeoutMs: 10_000,
      },
    );
    expect(edited.text).toContain("“Retro” in «Private Team» was cancelled.");
  });

  it("Cancel on a queued request removes it before the worker runs it: no call ever appears", async () => {
    await p.worker.stop();
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Never mind in 2h");
    expect(reply.text).toContain("Queued");
    const list = await listWithButton(DEMO.olga, DEMO.privateTeam, "Cancel");
    expect(list.text).toMatch(/queued/);
    await press(DEMO.olga, list, "Cancel");
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /cancel/i.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });
    expect(await p.callJobCount()).toBe(0);

    const worker = p.startWorker();
    await worker.ready;
    // A later request is served, so the worker is really taking jobs; the cancelled one never ran.
    await createCall(DEMO.community, "/newcall Proof", /live now/);
    expect(p.sandbox.calls(DEMO.privateTeam)).toEqual([]);
  });

  it("Invite link answers with the public chat's link; the RTMP key is offered and sent in the private chat only", async () => {
    await createCall(DEMO.studio, "/newcall Concert rtmp", /live now/);
    const group = await listWithButton(DEMO.olga, DEMO.studio, "Invite link");
    expect(button(group, "RTMP key")).toBeUndefined();
    await press(DEMO.olga, group, "Invite link");
    const withLink = await p.sandbox.waitForEdit(
      group.chatId,
      group.id,
      (m) => /Invite link for/.test(m.text ?? ""),
      {
        timeoutMs: 10_000,
      },
    );
    expect(withLink.text).toMatch(/https:\/\/t\.me\/olga_studio\?videochat=/);

    const mine = await listWithButton(DEMO.olga, DEMO.olga, "RTMP key");
    await press(DEMO.olga, mine, "RTMP key");
    const key = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => /Stream key: \S+/.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });
    const secret = /Stream key: (\S+)/.exec(key.text ?? "")?.[1] ?? "";
    expect(secret).not.toBe("");
    for (const message of p.sandbox.world.messages(DEMO.studio)) {
      expect([message.text ?? "", ...message.editHistory].join("\n")).not.toContain(secret);
    }
  });

  it("a member cannot press a button: refused at once, and Telegram is not asked", async () => {
    await createCall(DEMO.community, "/newcall Town hall", /live now/);
    const list = await listWithButton(DEMO.olga, DEMO.community, "End");
    p.sandbox.resetCounters();
    const answer = await press(DEMO.max, list, "End");
    expect(answer.showAlert).toBe(true);
    expect(answer.text).toMatch(/owner|Manage video chats/);
    expect(p.sandbox.counters().mtproto["phone.discardGroupCall"]).toBeUndefined();
    expect(p.sandbox.calls(DEMO.community)[0]?.state).toBe("active");
  });
});
