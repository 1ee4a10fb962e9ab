import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.ts";

describe("/start, /help and the command menu", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("registers its commands with Telegram at start-up", async () => {
    const commands = await h.running.bot.api.getMyCommands();
    expect(commands.map((c) => c.command)).toEqual([
      "newcall",
      "setup",
      "status",
      "calls",
      "timezone",
      "rename",
      "rotatekey",
      "autostart",
      "record",
      "stoprecord",
      "recordings",
      "mutenew",
      "speakerlink",
      "resetlinks",
      "invite",
      "stoprecurring",
      "moveplan",
      "renameplan",
      "cancelplan",
      "calendar",
      "announce",
      "endwhenempty",
      "cancel",
      "help",
      "start",
    ]);
  });

  it("/start in the private chat explains what the bot does and what to set up", async () => {
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" });
    const reply = await h.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => m.text?.includes("video chat") ?? false,
    );
    expect(reply.text).toContain("Add me (@callbot_sandbox_bot)");
    expect(reply.text).toContain("the assistant account");
    expect(reply.text).toContain("Manage video chats");
    expect(reply.text).toContain("Europe/Berlin");
  });

  it("/help names the assistant account the worker published, and documents the grammar", async () => {
    const redis = new Redis(REDIS_URL);
    await redis.set(
      `${h.prefix}:userbot-identity`,
      JSON.stringify({
        userId: 2001,
        username: "callbot_assistant",
        firstName: "Assistant",
        since: Date.now(),
      }),
    );
    await redis.quit();
    await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community, text: "/help@callbot_sandbox_bot" });
    const reply = await h.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.text?.includes("/newcall") ?? false,
    );
    expect(reply.text).toContain("Send /setup in the group");
    expect(reply.text).toContain("I check that @callbot_assistant is in the chat");
    expect(reply.text).toContain("/newcall [title] [time] [rtmp]");
    expect(reply.text).toContain("tomorrow 18:30");
    expect(reply.text).toContain("/newcall @mychannel Launch party in 2h rtmp");
  });
});
