import { waitFor } from "@callbot/test-support";
import { Bot, GrammyError } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.ts";
import { DEMO } from "./support/demo-ids.ts";
import { callBotApi } from "./support/raw-bot-api.ts";

let sandbox: Sandbox;
const bots: Bot[] = [];

function newBot(): Bot {
  const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
  bots.push(bot);
  return bot;
}

/** Starts long polling and resolves once grammY has begun (the start() promise is returned too). */
async function startPolling(bot: Bot, timeout = 30): Promise<{ running: Promise<void> }> {
  let started!: () => void;
  const ready = new Promise<void>((resolve) => {
    started = resolve;
  });
  const running = bot.start({ timeout, onStart: () => started() });
  running.catch(() => undefined);
  await ready;
  return { running };
}

beforeEach(async () => {
  sandbox = await startSandbox({ rateLimits: false });
});

afterEach(async () => {
  await Promise.all(bots.splice(0).map((bot) => (bot.isRunning() ? bot.stop() : undefined)));
  await sandbox.close();
});

describe("Bot API long polling with grammY", () => {
  it("delivers commands to handlers, with the argument, and the bot's reply lands in the chat", async () => {
    const bot = newBot();
    const seen: string[] = [];
    bot.command("newcall", async (ctx) => {
      seen.push(ctx.match);
      await ctx.reply(`queued: ${ctx.match}`);
    });
    await startPolling(bot);
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community.botApi, text: "/newcall Standup" });
    const reply = await sandbox.waitForBotMessage(DEMO.community.botApi, (m) => m.text === "queued: Standup");
    expect(seen).toEqual(["Standup"]);
    expect(reply.fromUserId).toBe(sandbox.info.botId);
  });

  it("holds getUpdates open instead of spinning when there is nothing to deliver", async () => {
    const bot = newBot();
    const startedAt = Date.now();
    await startPolling(bot, 1);
    await waitFor(() => (sandbox.counters().botApi.getUpdates ?? 0) >= 3, "three getUpdates calls", 10_000);
    // Two full 1-second holds must pass before the third request can arrive.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1900);
    expect(sandbox.counters().botApi.getUpdates).toBeLessThanOrEqual(4);
  });

  it("wakes a held getUpdates as soon as an update arrives", async () => {
    const pending = callBotApi(sandbox.info.botApiRoot, sandbox.info.botToken, "getUpdates", { timeout: 20 });
    await waitFor(() => sandbox.counters().botApi.getUpdates === 1, "the poll to arrive", 5000);
    const sentAt = Date.now();
    await sandbox.sendText({ from: DEMO.max, chatId: DEMO.max, text: "hello" });
    const { body } = await pending;
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(body.result).toEqual([
      expect.objectContaining({
        message: expect.objectContaining({
          text: "hello",
          chat: expect.objectContaining({ type: "private", id: DEMO.max }),
        }),
      }),
    ]);
  });

  it("confirms updates below offset and keeps the rest", async () => {
    const { botApiRoot, botToken } = sandbox.info;
    for (const text of ["one", "two", "three"])
      await sandbox.sendText({ from: DEMO.max, chatId: DEMO.max, text });
    const all = (await callBotApi(botApiRoot, botToken, "getUpdates")).body.result as Array<{
      update_id: number;
    }>;
    expect(all).toHaveLength(3);
    const again = (await callBotApi(botApiRoot, botToken, "getUpdates", { offset: all[1]!.update_id })).body
      .result as Array<{ update_id: number; message: { text: string } }>;
    expect(again.map((u) => u.message.text)).toEqual(["two", "three"]);
    const limited = (await callBotApi(botApiRoot, botToken, "getUpdates", { limit: 1 })).body
      .result as unknown[];
    expect(limited).toHaveLength(1);
    const none = await callBotApi(botApiRoot, botToken, "getUpdates", { offset: all[2]!.update_id + 1 });
    expect(none.body.result).toEqual([]);
  });

  it("answers 409 to the held poll when another getUpdates comes in (two bot instances)", async () => {
    const first = callBotApi(sandbox.info.botApiRoot, sandbox.info.botToken, "getUpdates", { timeout: 20 });
    await waitFor(() => sandbox.counters().botApi.getUpdates === 1, "the first poll to arrive", 5000);
    const bot = newBot();
    const { running } = await startPolling(bot);
    const { status, body } = await first;
    expect(status).toBe(409);
    expect(body.description).toBe(
      "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    );
    // The grammY bot now holds the poll; a second instance terminates it, and grammY stops with 409.
    await startPolling(newBot());
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBe(409);
  });

  it("refuses getUpdates while a webhook is set", async () => {
    const { botApiRoot, botToken } = sandbox.info;
    await callBotApi(botApiRoot, botToken, "setWebhook", { url: "http://127.0.0.1:9/hook" });
    const { status, body } = await callBotApi(botApiRoot, botToken, "getUpdates");
    expect(status).toBe(409);
    expect(body.description).toMatch(/^Conflict: can't use getUpdates method while webhook is active/);
    await expect(newBot().api.getUpdates()).rejects.toBeInstanceOf(GrammyError);
  });

  it("delivers video_chat_* service messages whatever the privacy mode, including the non-admin group", async () => {
    const bot = newBot();
    const seen: Array<{ chat: number; kind: string; payload: unknown }> = [];
    bot.on("message", (ctx) => {
      const m = ctx.message;
      for (const kind of ["video_chat_scheduled", "video_chat_started", "video_chat_ended"] as const) {
        if (m[kind]) seen.push({ chat: ctx.chat.id, kind, payload: m[kind] });
      }
    });
    await startPolling(bot);
    const { world } = sandbox;
    const at = Math.floor(Date.now() / 1000) + 3600;
    const scheduled = world.createGroupCall(DEMO.userbot, DEMO.community.native, {
      randomId: 1,
      rtmp: false,
      scheduleDate: at,
    });
    world.startScheduledGroupCall(DEMO.userbot, scheduled.id);
    world.discardGroupCall(DEMO.userbot, scheduled.id);
    // Old Group: the bot is a plain member (privacy mode on), yet sees the service message.
    world.createGroupCall(DEMO.userbot, DEMO.oldGroup.native, { randomId: 2, rtmp: false });
    await waitFor(() => seen.length === 4, "four service messages", 5000);
    expect(seen).toEqual([
      { chat: DEMO.community.botApi, kind: "video_chat_scheduled", payload: { start_date: at } },
      { chat: DEMO.community.botApi, kind: "video_chat_started", payload: {} },
      { chat: DEMO.community.botApi, kind: "video_chat_ended", payload: { duration: expect.any(Number) } },
      { chat: DEMO.oldGroup.botApi, kind: "video_chat_started", payload: {} },
    ]);
  });

  it("shows anonymous admins as sender_chat with GroupAnonymousBot, and hides ordinary chatter from a non-admin bot", async () => {
    const bot = newBot();
    const messages: Array<{ from?: number; senderChat?: number; text?: string }> = [];
    bot.on("message", (ctx) =>
      messages.push({ from: ctx.from?.id, senderChat: ctx.message.sender_chat?.id, text: ctx.message.text }),
    );
    await startPolling(bot);
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.oldGroup.botApi, text: "just chatting" });
    await sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community.botApi,
      text: "/newcall",
      asChat: true,
    });
    await waitFor(() => messages.length === 1, "the anonymous command", 5000);
    expect(messages).toEqual([{ from: 1087968824, senderChat: DEMO.community.botApi, text: "/newcall" }]);
  });
});
