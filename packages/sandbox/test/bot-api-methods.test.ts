import { Bot, GrammyError } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { type Sandbox, type SandboxOptions, startSandbox } from "../src/index.ts";
import { DEMO } from "./support/demo-ids.ts";
import { callBotApi } from "./support/raw-bot-api.ts";

let sandbox: Sandbox | undefined;

async function start(
  options: SandboxOptions = { rateLimits: false },
): Promise<{ sandbox: Sandbox; bot: Bot }> {
  sandbox = await startSandbox(options);
  const bot = new Bot(sandbox.info.botToken, { client: { apiRoot: sandbox.info.botApiRoot } });
  return { sandbox, bot };
}

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function grammyError(promise: Promise<unknown>): Promise<GrammyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

describe("Bot API methods through grammY", () => {
  it("getMe describes the fixture's bot; a bad token gets 401 Unauthorized", async () => {
    const { sandbox, bot } = await start();
    expect(await bot.api.getMe()).toMatchObject({
      id: 7000000001,
      is_bot: true,
      username: "callbot_sandbox_bot",
    });
    const stranger = new Bot("7000000001:wrongTokenwrongTokenwrongToken", {
      client: { apiRoot: sandbox.info.botApiRoot },
    });
    const error = await grammyError(stranger.api.getMe());
    expect([error.error_code, error.description]).toEqual([401, "Unauthorized"]);
  });

  it("answers an unknown method with 404", async () => {
    const { sandbox } = await start();
    const { status, body } = await callBotApi(
      sandbox.info.botApiRoot,
      sandbox.info.botToken,
      "sendTelepathy",
    );
    expect(status).toBe(404);
    expect(body).toEqual({ ok: false, error_code: 404, description: "Not Found: method not found" });
  });

  it("sends HTML and MarkdownV2 as plain text plus entities, with an inline keyboard", async () => {
    const { sandbox, bot } = await start();
    const keyboard = { inline_keyboard: [[{ text: "Start", callback_data: "calls:start:1" }]] };
    const html = await bot.api.sendMessage(DEMO.community.botApi, "<b>Standup</b> &amp; more", {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
    expect(html).toMatchObject({
      text: "Standup & more",
      entities: [{ type: "bold", offset: 0, length: 7 }],
      reply_markup: keyboard,
      chat: {
        id: DEMO.community.botApi,
        type: "supergroup",
        title: "Demo Community",
        username: "demo_community",
      },
    });
    const md = await bot.api.sendMessage(DEMO.community.botApi, "*Done* in 5\\.0 s", {
      parse_mode: "MarkdownV2",
    });
    expect(md).toMatchObject({ text: "Done in 5.0 s", entities: [{ type: "bold", offset: 0, length: 4 }] });
    const error = await grammyError(
      bot.api.sendMessage(DEMO.community.botApi, "Done in 5.0 s", { parse_mode: "MarkdownV2" }),
    );
    expect(error.description).toBe(
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
    expect(sandbox.botMessages(DEMO.community.botApi).map((m) => m.text)).toEqual([
      "Standup & more",
      "Done in 5.0 s",
    ]);
  });

  it("refuses what Telegram refuses, in Telegram's words", async () => {
    const { sandbox, bot } = await start();
    const cases: Array<[Promise<unknown>, number, string]> = [
      [bot.api.sendMessage(-1009999999999, "hi"), 400, "Bad Request: chat not found"],
      [bot.api.sendMessage(DEMO.max, "hi"), 403, "Forbidden: bot can't initiate conversation with a user"],
      [bot.api.sendMessage(DEMO.community.botApi, ""), 400, "Bad Request: message text is empty"],
      [bot.api.sendMessage(DEMO.community.botApi, "x".repeat(4097)), 400, "Bad Request: message is too long"],
      [
        bot.api.sendMessage(DEMO.community.botApi, "hi", {
          reply_markup: { inline_keyboard: [[{ text: "x", callback_data: "y".repeat(65) }]] },
        }),
        400,
        "Bad Request: BUTTON_DATA_INVALID",
      ],
      [
        bot.api.editMessageText(DEMO.community.botApi, 999, "x"),
        400,
        "Bad Request: message to edit not found",
      ],
    ];
    for (const [promise, code, description] of cases) {
      const error = await grammyError(promise);
      expect([error.error_code, error.description]).toEqual([code, description]);
    }

    await sandbox.sendText({ from: DEMO.adam, chatId: DEMO.adam, text: "/start" });
    sandbox.world.setBlockedBot(DEMO.adam, true);
    const blocked = await grammyError(bot.api.sendMessage(DEMO.adam, "hi"));
    expect(blocked.description).toBe("Forbidden: bot was blocked by the user");

    sandbox.setRole(DEMO.privateTeam.botApi, sandbox.info.botId, { status: "left" });
    const left = await grammyError(bot.api.sendMessage(DEMO.privateTeam.botApi, "hi"));
    expect([left.error_code, left.description]).toEqual([
      403,
      "Forbidden: bot is not a member of the supergroup chat",
    ]);
  });

  it("edits text and markup, and says when nothing changed", async () => {
    const { sandbox, bot } = await start();
    await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/start" });
    const sent = await bot.api.sendMessage(DEMO.olga, "queued");
    const edited = await bot.api.editMessageText(DEMO.olga, sent.message_id, "created");
    expect(edited).toMatchObject({
      message_id: sent.message_id,
      text: "created",
      edit_date: expect.any(Number),
    });
    const same = await grammyError(bot.api.editMessageText(DEMO.olga, sent.message_id, "created"));
    expect(same.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    const keyboard = { inline_keyboard: [[{ text: "End", callback_data: "end" }]] };
    const withKeyboard = await bot.api.editMessageReplyMarkup(DEMO.olga, sent.message_id, {
      reply_markup: keyboard,
    });
    expect(withKeyboard).toMatchObject({ reply_markup: keyboard });
    expect(sandbox.botMessages(DEMO.olga)[0]?.editHistory).toEqual(["queued"]);
    expect(await bot.api.deleteMessage(DEMO.olga, sent.message_id)).toBe(true);
    expect(sandbox.botMessages(DEMO.olga)).toEqual([]);
  });

  it("replies to a message with reply_parameters", async () => {
    const { sandbox, bot } = await start();
    const asked = await sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community.botApi,
      text: "/newcall",
    });
    const reply = await bot.api.sendMessage(DEMO.community.botApi, "ok", {
      reply_parameters: { message_id: asked.id },
    });
    expect(reply.reply_to_message).toMatchObject({
      message_id: asked.id,
      text: "/newcall",
      from: { id: DEMO.olga },
    });
  });

  it("shows members in the Bot API's ChatMember shapes, from the same rights MTProto checks", async () => {
    const { sandbox, bot } = await start();
    const chat = DEMO.community.botApi;
    expect(await bot.api.getChatMember(chat, DEMO.olga)).toMatchObject({
      status: "creator",
      user: { id: DEMO.olga },
    });
    expect(await bot.api.getChatMember(chat, DEMO.adam)).toMatchObject({
      status: "administrator",
      can_manage_video_chats: true,
      can_be_edited: false,
    });
    expect(await bot.api.getChatMember(chat, DEMO.nina)).toMatchObject({
      status: "administrator",
      can_manage_video_chats: false,
    });
    expect(await bot.api.getChatMember(chat, DEMO.max)).toEqual({
      status: "member",
      user: { id: DEMO.max, is_bot: false, first_name: "Max", last_name: "Member", username: "max_member" },
    });
    expect(await bot.api.getChatMember(chat, DEMO.sam)).toMatchObject({ status: "left" });
    const admins = await bot.api.getChatAdministrators(chat);
    expect(admins.map((a) => a.user.id).sort()).toEqual(
      [DEMO.olga, DEMO.adam, DEMO.nina, DEMO.userbot, sandbox.info.botId].sort(),
    );

    // promoteChatMember changes the right that createGroupCall checks.
    await bot.api.promoteChatMember(chat, DEMO.nina, {
      can_manage_video_chats: true,
      can_invite_users: true,
    });
    expect(await bot.api.getChatMember(chat, DEMO.nina)).toMatchObject({ can_manage_video_chats: true });
    expect(
      sandbox.world.createGroupCall(DEMO.nina, DEMO.community.native, { randomId: 3, rtmp: false }).state,
    ).toBe("active");
  });

  it("getChat and commands", async () => {
    const { bot } = await start();
    expect(await bot.api.getChat("@demo_channel")).toMatchObject({
      id: DEMO.channel.botApi,
      type: "channel",
    });
    await bot.api.setMyCommands([{ command: "newcall", description: "Create a video chat" }]);
    expect(await bot.api.getMyCommands()).toEqual([
      { command: "newcall", description: "Create a video chat" },
    ]);
    await bot.api.deleteMyCommands();
    expect(await bot.api.getMyCommands()).toEqual([]);
  });

  it("answers 429 with retry_after when a chat gets messages too fast", async () => {
    const { bot } = await start({ rateLimits: { perChatBurst: 2 } });
    await bot.api.sendMessage(DEMO.community.botApi, "1");
    await bot.api.sendMessage(DEMO.community.botApi, "2");
    const error = await grammyError(bot.api.sendMessage(DEMO.community.botApi, "3"));
    expect(error.error_code).toBe(429);
    expect(error.parameters.retry_after).toBeGreaterThanOrEqual(1);
    expect(error.description).toMatch(/^Too Many Requests: retry after \d+$/);
    // Another chat has its own budget.
    await expect(bot.api.sendMessage(DEMO.privateTeam.botApi, "elsewhere")).resolves.toMatchObject({
      text: "elsewhere",
    });
  });

  it("counts edits against the same limits, and names at least retryAfterFloorSeconds when set", async () => {
    const { bot } = await start({ rateLimits: { perChatBurst: 2, retryAfterFloorSeconds: 90 } });
    const sent = await bot.api.sendMessage(DEMO.community.botApi, "1");
    await bot.api.editMessageText(DEMO.community.botApi, sent.message_id, "1 edited");
    const error = await grammyError(bot.api.editMessageText(DEMO.community.botApi, sent.message_id, "again"));
    expect([error.error_code, error.parameters.retry_after]).toEqual([429, 90]);
  });

  it("injects 429, 5xx and slow answers, and counts every request", async () => {
    const { sandbox, bot } = await start();
    sandbox.faults.botApi({ method: "sendMessage", action: { kind: "429", retryAfter: 7 }, times: 1 });
    sandbox.faults.botApi({ action: { kind: "5xx", status: 502 }, times: 1 });
    const limited = await grammyError(bot.api.sendMessage(DEMO.community.botApi, "a"));
    expect([limited.error_code, limited.parameters.retry_after]).toEqual([429, 7]);
    const broken = await grammyError(bot.api.getMe());
    expect([broken.error_code, broken.description]).toEqual([502, "Bad Gateway"]);
    sandbox.faults.botApi({ method: "getMe", action: { kind: "slow", ms: 300 }, times: 1 });
    const before = Date.now();
    await bot.api.getMe();
    expect(Date.now() - before).toBeGreaterThanOrEqual(290);
    await bot.api.sendMessage(DEMO.community.botApi, "b");
    expect(sandbox.counters().botApi).toEqual({ sendMessage: 2, getMe: 2 });
    sandbox.resetCounters();
    expect(sandbox.counters().botApi).toEqual({});
  });

  it("accepts form-encoded and query-string parameters too", async () => {
    const { sandbox } = await start();
    const { botApiRoot, botToken } = sandbox.info;
    const form = await fetch(`${botApiRoot}/bot${botToken}/sendMessage`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        chat_id: String(DEMO.community.botApi),
        text: "form",
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "x", callback_data: "y" }]] }),
      }),
    });
    expect(await form.json()).toMatchObject({
      ok: true,
      result: { text: "form", reply_markup: { inline_keyboard: [[{ callback_data: "y" }]] } },
    });
    const query = await fetch(
      `${botApiRoot}/bot${botToken}/sendMessage?chat_id=${DEMO.community.botApi}&text=query`,
    );
    expect(await query.json()).toMatchObject({ ok: true, result: { text: "query" } });
  });
});
