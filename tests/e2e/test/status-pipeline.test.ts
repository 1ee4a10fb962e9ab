import { DEMO } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** /status for the operators, from what the real worker publishes and BullMQ counts, against the sandbox. */
describe("/status", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline({ ownerIds: [DEMO.olga] });
  });
  afterEach(async () => {
    await p.close();
  });

  it("is refused to anyone not in OWNER_IDS", async () => {
    const { reply } = await p.ask(DEMO.adam, DEMO.adam, "/status");
    expect(reply.text).toBe("/status is for the bot's operators only (the users in OWNER_IDS).");
  });

  it("shows the assistant, a live session, the queue and no flood wait", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/status");
    expect(reply.text).toContain("Assistant: @callbot_assistant");
    expect(reply.text).toContain("Session: alive");
    expect(reply.text).toContain("Flood wait: none.");
    expect(reply.text).toContain("Queue: 0 waiting, 0 running, 0 delayed (scheduled or retrying), 0 failed.");
    expect(reply.text).toContain("Last errors: none.");
  });

  it("names a failure in plain words, never Telegram's raw error name", async () => {
    const asked = await p.ask(DEMO.olga, DEMO.noRightsClub, "/newcall Standup");
    await p.outcome(asked.reply, /Manage video chats/);
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/status");
    expect(reply.text).toContain("1 failed");
    expect(reply.text).toContain("«No Rights Club» · the account lacks the admin right this needs");
    expect(reply.text).not.toContain("CHAT_ADMIN_REQUIRED");
  });

  it("shows a flood wait in force with its end time", async () => {
    p.sandbox.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "flood", seconds: 120 },
      times: 1,
    });
    const asked = await p.ask(DEMO.olga, DEMO.community, "/newcall Standup");
    await p.outcome(asked.reply, /wait|slow down/i);
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/status");
    expect(reply.text).toMatch(
      /Flood wait: Telegram asked it to wait until \d\d:\d\d:\d\d UTC \(.+ from now\)/,
    );
  });
});
