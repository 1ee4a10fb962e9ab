import { Bot, GrammyError, HttpError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/index.ts";
import { DEMO } from "./support/demo-ids.ts";

let sandbox: Sandbox | undefined;

async function start(): Promise<{ sandbox: Sandbox; bot: Bot }> {
  sandbox = await startSandbox({ rateLimits: false });
  const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
  return { sandbox, bot };
}

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error,
  );
}

describe("a basic group upgraded to a supergroup", () => {
  it("gets a -100… id; the bot sees migrate_from then migrate_to; the old id answers 400 with migrate_to_chat_id", async () => {
    const { sandbox, bot } = await start();
    const newId = sandbox.migrateGroup(DEMO.oldGroup.botApi, DEMO.olga);
    expect(String(newId)).toMatch(/^-100\d+$/);

    const updates = await bot.api.getUpdates({ timeout: 0 });
    const service = updates.map((u) => u.message).filter((m) => m !== undefined);
    expect(
      service.map((m) => [m.chat.id, m.chat.type, m.migrate_from_chat_id, m.migrate_to_chat_id]),
    ).toEqual([
      [newId, "supergroup", DEMO.oldGroup.botApi, undefined],
      [DEMO.oldGroup.botApi, "group", undefined, newId],
    ]);

    for (const call of [
      bot.api.sendMessage(DEMO.oldGroup.botApi, "hello"),
      bot.api.getChatMember(DEMO.oldGroup.botApi, DEMO.olga),
      bot.api.editMessageText(DEMO.oldGroup.botApi, 1, "edited"),
    ]) {
      const error = await failure(call);
      expect(error).toBeInstanceOf(GrammyError);
      expect((error as GrammyError).description).toBe(
        "Bad Request: group chat was upgraded to a supergroup chat",
      );
      expect((error as GrammyError).parameters.migrate_to_chat_id).toBe(newId);
    }

    // The supergroup has the group's title and members, and the bot can write there.
    expect(await bot.api.getChat(newId)).toMatchObject({ type: "supergroup", title: "Old Group" });
    expect((await bot.api.getChatMember(newId, DEMO.olga)).status).toBe("creator");
    await bot.api.sendMessage(newId, "hello again");
  });

  it("takes its scheduled call with it (ASSUMPTION); the old group can take no new call", async () => {
    const { sandbox } = await start();
    const world = sandbox.world;
    const call = world.createGroupCall(DEMO.userbot, DEMO.oldGroup.native, {
      randomId: 7,
      scheduleDate: Math.floor(Date.now() / 1000) + 3600,
      rtmp: false,
    });
    const newId = sandbox.migrateGroup(DEMO.oldGroup.botApi, DEMO.olga);
    expect(sandbox.calls(newId).map((c) => c.id)).toEqual([call.id]);
    expect(() =>
      world.createGroupCall(DEMO.userbot, DEMO.oldGroup.native, { randomId: 8, rtmp: false }),
    ).toThrow(/CHAT_ID_INVALID/);
  });

  it("only a basic group's owner can upgrade it, once", async () => {
    const { sandbox } = await start();
    expect(() => sandbox.migrateGroup(DEMO.community.botApi, DEMO.olga)).toThrow(/not a basic group/);
    expect(() => sandbox.migrateGroup(DEMO.oldGroup.botApi, DEMO.max)).toThrow(/owner/);
    sandbox.migrateGroup(DEMO.oldGroup.botApi, DEMO.olga);
    expect(() => sandbox.migrateGroup(DEMO.oldGroup.botApi, DEMO.olga)).toThrow(/not a basic group/);
  });
});

describe("a Bot API outage", () => {
  it("cuts connections (a network error, no HTTP answer) until it ends, then answers again", async () => {
    const { sandbox, bot } = await start();
    const held = bot.api.getUpdates({ timeout: 20 });
    await new Promise((resolve) => setImmediate(resolve));
    sandbox.botApiDown();
    expect(await failure(held)).toBeInstanceOf(HttpError);
    expect(await failure(bot.api.getMe())).toBeInstanceOf(HttpError);
    sandbox.botApiUp();
    expect((await bot.api.getMe()).id).toBe(sandbox.info.botId);
  });

  it("a timed outage ends by itself", async () => {
    const { sandbox, bot } = await start();
    sandbox.botApiDown(300);
    const downAt = Date.now();
    expect(await failure(bot.api.getMe())).toBeInstanceOf(HttpError);
    while (Date.now() - downAt < 300) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await bot.api.getMe()).id).toBe(sandbox.info.botId);
  });
});

describe("Bot API limits the product must live with", () => {
  it("a callback query answered after callbackQueryTimeoutSeconds gets 400 'query is too old'", async () => {
    const { sandbox, bot } = await start();
    sandbox.world.configure({ callbackQueryTimeoutSeconds: 0.2 });
    const message = await bot.api.sendMessage(DEMO.community.botApi, "pick", {
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    const early = await sandbox.pressButton({
      from: DEMO.olga,
      chatId: DEMO.community.botApi,
      messageId: message.message_id,
      data: "a",
    });
    expect(await bot.api.answerCallbackQuery(early.callbackQueryId)).toBe(true);

    const late = await sandbox.pressButton({
      from: DEMO.olga,
      chatId: DEMO.community.botApi,
      messageId: message.message_id,
      data: "a",
    });
    const pressedAt = Date.now();
    while (Date.now() - pressedAt <= 250) await new Promise((resolve) => setTimeout(resolve, 50));
    const error = await failure(bot.api.answerCallbackQuery(late.callbackQueryId, { text: "too late" }));
    expect((error as GrammyError).description).toBe(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
  });

  it("getChatMember for others is refused to a bot that is not an admin (nonAdminBotMemberLookup: refused)", async () => {
    const { sandbox, bot } = await start();
    sandbox.setRole(DEMO.community.botApi, sandbox.info.botId, { status: "member" });
    expect((await bot.api.getChatMember(DEMO.community.botApi, DEMO.max)).status).toBe("member");
    sandbox.world.configure({ nonAdminBotMemberLookup: "refused" });
    const error = await failure(bot.api.getChatMember(DEMO.community.botApi, DEMO.max));
    expect((error as GrammyError).description).toBe("Bad Request: CHAT_ADMIN_REQUIRED");
    // Itself it may always look up; as an admin it may look up anyone.
    expect((await bot.api.getChatMember(DEMO.community.botApi, sandbox.info.botId)).status).toBe("member");
    sandbox.setRole(DEMO.community.botApi, sandbox.info.botId, { status: "admin", rights: {} });
    expect((await bot.api.getChatMember(DEMO.community.botApi, DEMO.max)).status).toBe("member");
  });

  it("a restricted member is 'restricted' and still a member", async () => {
    const { sandbox, bot } = await start();
    sandbox.setRole(DEMO.community.botApi, DEMO.max, { status: "restricted" });
    expect(await bot.api.getChatMember(DEMO.community.botApi, DEMO.max)).toMatchObject({
      status: "restricted",
      is_member: true,
      can_send_messages: false,
    });
  });
});
