import { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.ts";
import { DEMO } from "./support/demo-ids.ts";

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await startSandbox({ rateLimits: false });
});

afterEach(async () => {
  await sandbox.close();
});

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.info.control}${path}`, {
    method,
    ...(body !== undefined && {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are what the assertions check
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe("the control API over HTTP", () => {
  it("reads and changes the world's settings; a bad value is a 400 that names it", async () => {
    const read = await control("GET", "/world/settings");
    expect(read.body.settings.overlongCallTitle).toBe("truncate");
    const changed = await control("POST", "/world/settings", { overlongCallTitle: "reject" });
    expect(changed.body.settings).toMatchObject({
      overlongCallTitle: "reject",
      adminListAccess: "members-in-supergroups",
    });
    expect(sandbox.world.settings.overlongCallTitle).toBe("reject");
    const bad = await control("POST", "/world/settings", { overlongCallTitle: "shorten" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("overlongCallTitle");
  });

  it("acts as a user, reads the bot's messages and presses its buttons", async () => {
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    bot.command("menu", (ctx) =>
      ctx.reply("Pick", { reply_markup: { inline_keyboard: [[{ text: "Start", callback_data: "go" }]] } }),
    );
    bot.callbackQuery("go", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Starting" });
      await ctx.editMessageText("Started");
    });
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    bot.start({ onStart: () => ready() }).catch(() => undefined);
    await started;
    try {
      const sent = await control("POST", "/act/send", {
        from: DEMO.olga,
        chatId: DEMO.community.botApi,
        text: "/menu",
      });
      expect(sent.status).toBe(200);
      const menu = await sandbox.waitForBotMessage(DEMO.community.botApi, (m) => m.text === "Pick");
      const listed = await control("GET", `/chats/${DEMO.community.botApi}/bot-messages`);
      expect(listed.body.messages).toEqual([expect.objectContaining({ id: menu.id, text: "Pick" })]);

      const pressed = await control("POST", "/act/press", {
        from: DEMO.olga,
        chatId: DEMO.community.botApi,
        messageId: menu.id,
        data: "go",
        waitForAnswerMs: 5000,
      });
      expect(pressed.body.answer).toEqual({ text: "Starting" });
      const edited = await sandbox.waitForEdit(DEMO.community.botApi, menu.id, (m) => m.text === "Started");
      expect(edited.editHistory).toEqual(["Pick"]);

      const noSuchButton = await control("POST", "/act/press", {
        from: DEMO.olga,
        chatId: DEMO.community.botApi,
        messageId: menu.id,
        data: "nope",
      });
      expect(noSuchButton.status).toBe(400);
    } finally {
      await bot.stop();
    }
  });

  it("a request_chat button: the pick the picker would offer reaches the bot as chat_shared; others are refused", async () => {
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    const shared: Array<{ request_id: number; chat_id: number; title?: string }> = [];
    const wanted = {
      user_administrator_rights: { can_manage_video_chats: true },
      bot_is_member: true,
    } as const;
    bot.command("pick", (ctx) =>
      ctx.reply("Which chat?", {
        reply_markup: {
          keyboard: [
            [
              {
                text: "Pick a group",
                request_chat: { request_id: 1, chat_is_channel: false, request_title: true, ...wanted },
              },
              { text: "Pick a channel", request_chat: { request_id: 2, chat_is_channel: true, ...wanted } },
            ],
          ],
          one_time_keyboard: true,
          resize_keyboard: true,
        } as never,
      }),
    );
    bot.on("message:chat_shared", (ctx) => {
      shared.push(ctx.message.chat_shared);
    });
    let ready!: () => void;
    const started = new Promise<void>((resolve) => (ready = resolve));
    bot.start({ onStart: () => ready() }).catch(() => undefined);
    await started;
    try {
      const ask = async (from: number) => {
        await control("POST", "/act/send", { from, chatId: from, text: "/pick" });
        return sandbox.waitForBotMessage(from, (m) => m.text === "Which chat?");
      };
      const olgas = await ask(DEMO.olga);
      expect(olgas.replyMarkup).toMatchObject({ keyboard: [[{ request_chat: { request_id: 1 } }, {}]] });
      const picked = await control("POST", "/act/share-chat", {
        from: DEMO.olga,
        messageId: olgas.id,
        requestId: 1,
        chatId: DEMO.community.botApi,
      });
      expect(picked.status).toBe(200);
      await expect
        .poll(() => shared)
        .toEqual([{ request_id: 1, chat_id: DEMO.community.botApi, title: "Demo Community" }]);

      // A channel for the group button, and a user without "Manage video chats": not offered.
      const channelAsGroup = await control("POST", "/act/share-chat", {
        from: DEMO.olga,
        messageId: olgas.id,
        requestId: 1,
        chatId: DEMO.channel.botApi,
      });
      expect(channelAsGroup.status).toBe(400);
      expect(channelAsGroup.body.error).toContain("asks for a group");
      const ninas = await ask(DEMO.nina);
      expect(() =>
        sandbox.shareChat({
          from: DEMO.nina,
          messageId: ninas.id,
          requestId: 1,
          chatId: DEMO.community.botApi,
        }),
      ).toThrow(/lacks can_manage_video_chats/);
      expect(sandbox.world.messages(DEMO.nina).filter((m) => m.service?.kind === "chat_shared")).toEqual([]);
      expect(shared).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });

  it("changes rights, lists calls, arms faults and reads counters", async () => {
    const members = await control("POST", "/members", {
      chatId: DEMO.community.botApi,
      userId: DEMO.userbot,
      role: { status: "admin", rights: { manageCall: false } },
    });
    expect(members.status).toBe(200);
    expect(() =>
      sandbox.world.createGroupCall(DEMO.userbot, DEMO.community.native, { randomId: 1, rtmp: false }),
    ).toThrow(/CHAT_ADMIN_REQUIRED/);
    sandbox.world.createGroupCall(DEMO.olga, DEMO.community.native, {
      randomId: 1,
      title: "Town hall",
      rtmp: false,
    });
    const calls = await control("GET", `/chats/${DEMO.community.botApi}/calls`);
    expect(calls.body.calls).toEqual([
      expect.objectContaining({ title: "Town hall", state: "active", startSubscribed: [] }),
    ]);

    await control("POST", "/faults/bot-api", { method: "getMe", action: { kind: "5xx" }, times: 1 });
    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    await expect(bot.api.getMe()).rejects.toMatchObject({ error_code: 500 });
    await control("POST", "/faults/bot-api", { method: "getMe", action: { kind: "5xx" } });
    await control("DELETE", "/faults");
    await expect(bot.api.getMe()).resolves.toMatchObject({ id: sandbox.info.botId });
    expect((await control("GET", "/counters")).body).toEqual({
      botApi: { getMe: 2 },
      mtproto: {},
      rateLimited: {},
    });
    await control("DELETE", "/counters");
    expect((await control("GET", "/counters")).body).toEqual({ botApi: {}, mtproto: {}, rateLimited: {} });
  });

  it("simulated participants join and leave a live call; saved messages are read per account", async () => {
    const path = `/chats/${DEMO.community.botApi}/call/participants`;
    const none = await control("POST", path, { join: [DEMO.max] });
    expect(none.status).toBe(400);
    expect(none.body.error).toContain("no live call");

    const call = sandbox.world.createGroupCall(DEMO.olga, DEMO.community.native, {
      randomId: 1,
      rtmp: false,
    });
    const joined = await control("POST", path, { join: [DEMO.max, DEMO.sam], guests: 3 });
    expect(joined.body.call.participantsCount).toBe(5);
    expect(joined.body.call.participants.slice(0, 2)).toEqual([
      expect.objectContaining({ userId: DEMO.max, muted: false }),
      expect.objectContaining({ userId: DEMO.sam, muted: false }),
    ]);
    const left = await control("POST", path, { leave: [DEMO.max] });
    expect(left.body.call.participantsCount).toBe(4);
    expect((await control("POST", path, { leave: "all" })).body.call.participantsCount).toBe(0);

    const stale = await control("POST", path, { join: [DEMO.max], inviteHash: "not-a-link-of-this-call" });
    expect(stale.status).toBe(400);
    expect(sandbox.world.getGroupCall(call.id)?.participants.size).toBe(0);
    const unknown = await control("POST", path, { join: [42] });
    expect(unknown.status).toBe(400);

    sandbox.world.toggleGroupCallRecord(DEMO.olga, call.id, { start: true, video: false, portrait: false });
    sandbox.world.toggleGroupCallRecord(DEMO.olga, call.id, { start: false, video: false, portrait: false });
    await new Promise<void>((resolve) => sandbox.world.once("savedMessage", () => resolve()));
    const saved = await control("GET", `/accounts/${DEMO.olga}/saved-messages`);
    expect(saved.body.messages).toEqual([
      expect.objectContaining({
        document: expect.objectContaining({ kind: "audio", mimeType: "audio/ogg" }),
      }),
    ]);
  });

  it("upgrades a basic group, and takes the Bot API down and up", async () => {
    const migrated = await control("POST", `/chats/${DEMO.oldGroup.botApi}/migrate`, { by: DEMO.olga });
    expect(String(migrated.body.newChatId)).toMatch(/^-100\d+$/);
    expect(sandbox.world.chatByBotApiId(DEMO.oldGroup.botApi)?.migratedTo).toBeDefined();
    const again = await control("POST", `/chats/${DEMO.oldGroup.botApi}/migrate`, { by: DEMO.olga });
    expect(again.status).toBe(400);

    const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
    await control("POST", "/bot-api/availability", { up: false });
    await expect(bot.api.getMe()).rejects.toThrow(/Network request/);
    await control("POST", "/bot-api/availability", { up: true });
    expect((await bot.api.getMe()).id).toBe(sandbox.info.botId);
  });

  it("loads another world in place", async () => {
    const loaded = await control("POST", "/world/load", {
      world: {
        bot: {
          id: 7000000001,
          username: "callbot_sandbox_bot",
          firstName: "Bot",
          token: sandbox.info.botToken,
        },
        users: [{ id: 5, firstName: "Eve" }],
        userbots: [],
        chats: [{ id: 77, type: "supergroup", title: "Tiny", members: [{ userId: 5, role: "owner" }] }],
      },
    });
    expect(loaded.status).toBe(200);
    expect(sandbox.world.getChat(77)?.title).toBe("Tiny");
    expect(sandbox.world.getChat(DEMO.community.native)).toBeUndefined();
    const bad = await control("POST", "/world/load", { world: { bot: {} } });
    expect(bad.status).toBe(400);
  });
});

describe("the one-call-per-chat settings over the control API", () => {
  it("reads and changes randomIdRetry and scheduledCallExpiry; a bad value is a 400", async () => {
    expect((await control("GET", "/world/settings")).body.settings).toMatchObject({
      randomIdRetry: "same-call",
      scheduledCallExpiry: "kept",
    });
    const changed = await control("POST", "/world/settings", {
      randomIdRetry: "error",
      scheduledCallExpiry: "discarded",
      scheduledCallExpirySeconds: 5,
    });
    expect(changed.status).toBe(200);
    expect(sandbox.world.settings).toMatchObject({
      randomIdRetry: "error",
      scheduledCallExpiry: "discarded",
      scheduledCallExpirySeconds: 5,
    });
    expect((await control("POST", "/world/settings", { randomIdRetry: "sometimes" })).status).toBe(400);
  });
});
