import { describe, expect, it } from "vitest";
import { TelegramRpcError, type WorldMessage } from "../src/world/types.ts";
import { readWorldFixture, World } from "../src/world/world.ts";
import { DEFAULT_WORLD_SETTINGS } from "../src/world/world-settings.ts";
import { demoWorldPath } from "../src/worlds/demo-world.ts";

const COMMUNITY = 1500000001;
const CHANNEL = 1500000002;
const PRIVATE_TEAM = 1500000003;
const LOCKED = 1500000004;
const NO_RIGHTS = 1500000005;
const OLD_GROUP = 400000001;
const OLGA = 1001;
const ADAM = 1002;
const NINA = 1003;
const MAX = 1004;
const SAM = 1005;
const USERBOT = 2001;
const NOW = 1_750_000_000_000;
const nowSeconds = NOW / 1000;

function demo(): World {
  return World.fromFile(demoWorldPath);
}

function rpcError(fn: () => unknown): { code: number; errorMessage: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof TelegramRpcError) return { code: error.code, errorMessage: error.errorMessage };
    throw error;
  }
  throw new Error("expected a TelegramRpcError");
}

describe("World: the demo fixture", () => {
  it("matches the README table", () => {
    const world = demo();
    expect(world.bot.username).toBe("callbot_sandbox_bot");
    expect(world.userbotIds).toEqual([USERBOT]);
    expect(world.resolveUsername("@demo_community")).toMatchObject({ kind: "chat", chat: { id: COMMUNITY } });
    expect(world.resolveUsername("ADAM_ADMIN")).toMatchObject({ kind: "user", user: { id: ADAM } });
    expect(world.botApiIdOf(world.getChat(COMMUNITY)!)).toBe(-1001500000001);
    expect(world.botApiIdOf(world.getChat(OLD_GROUP)!)).toBe(-400000001);
    expect(world.chatByBotApiId(-1001500000002)?.title).toBe("Demo Channel");
    expect(world.chatByBotApiId(-400000001)?.title).toBe("Old Group");
    expect(world.chatByBotApiId(-1500000002)).toBeUndefined();
    expect(world.memberRole(COMMUNITY, NINA)).toEqual({
      status: "admin",
      rights: expect.objectContaining({ manageCall: false }),
    });
    expect(world.isMember(LOCKED, USERBOT)).toBe(false);
    expect(world.chatsOf(SAM).map((c) => c.id)).toEqual([LOCKED]);
    expect(world.getUser(world.bot.id)?.isBot).toBe(true);
  });

  it("derives the same access hashes from the same seed", () => {
    const a = demo();
    const b = demo();
    expect(a.accessHash("chat", COMMUNITY, USERBOT)).toBe(b.accessHash("chat", COMMUNITY, USERBOT));
    expect(a.accessHash("user", OLGA, USERBOT)).not.toBe(a.accessHash("user", ADAM, USERBOT));
    expect(BigInt(a.accessHash("user", OLGA, USERBOT))).toBeLessThan(2n ** 63n);
  });

  it("refuses createGroupCall by an anonymous admin: 403 GROUPCALL_ANONYMOUS_FORBIDDEN, nothing created", () => {
    const world = demo();
    world.setRole(PRIVATE_TEAM, USERBOT, { status: "admin", rights: { manageCall: true, anonymous: true } });
    expect(() => world.createGroupCall(USERBOT, PRIVATE_TEAM, { randomId: 3, rtmp: false })).toThrow(
      "403 GROUPCALL_ANONYMOUS_FORBIDDEN",
    );
    expect(world.currentCall(PRIVATE_TEAM)).toBeUndefined();
  });

  it("gives each account its own access hash for the same chat or user (Telegram's are account-bound)", () => {
    const world = demo();
    expect(world.accessHash("chat", COMMUNITY, USERBOT)).not.toBe(world.accessHash("chat", COMMUNITY, SAM));
    expect(world.accessHash("user", OLGA, USERBOT)).not.toBe(world.accessHash("user", OLGA, SAM));
    expect(world.accessHash("chat", OLD_GROUP, USERBOT)).toBe("0");
  });

  it("a group call's access hash is the call's own by default, each account's under callAccessHashes per-account", () => {
    const world = demo();
    const call = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW);
    expect(world.callAccessHash(call, SAM)).toBe(world.callAccessHash(call, USERBOT));
    world.configure({ callAccessHashes: "per-account" });
    expect(world.callAccessHash(call, SAM)).not.toBe(world.callAccessHash(call, USERBOT));
    expect(world.callAccessHash(call, USERBOT)).toBe(world.callAccessHash(call, USERBOT));
  });

  it("rejects an invalid fixture", () => {
    expect(() => new World({ bot: { id: 1 }, users: [], userbots: [], chats: [] })).toThrow();
  });
});

describe("World: createGroupCall", () => {
  it("creates an active call and posts video_chat_started from the user", () => {
    const world = demo();
    const messages: WorldMessage[] = [];
    world.on("message", (m) => messages.push(m));
    const call = world.createGroupCall(
      USERBOT,
      COMMUNITY,
      { randomId: 7, title: "Standup", rtmp: false },
      NOW,
    );
    expect(call).toMatchObject({
      state: "active",
      title: "Standup",
      chatId: COMMUNITY,
      startedAt: nowSeconds,
    });
    expect(world.currentCall(COMMUNITY)).toBe(call);
    expect(messages).toEqual([
      expect.objectContaining({
        chatId: -1001500000001,
        fromUserId: USERBOT,
        service: { kind: "video_chat_started" },
        callId: call.id,
      }),
    ]);
  });

  it("returns the same call for the same (account, random_id), without a second message", () => {
    const world = demo();
    const first = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 42, rtmp: false }, NOW);
    const again = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 42, rtmp: false }, NOW);
    expect(again).toBe(first);
    expect(world.messages(-1001500000001)).toHaveLength(1);
  });

  it("schedules within 10 s .. 8 days and posts video_chat_scheduled", () => {
    const world = demo();
    const at = nowSeconds + 3600;
    const call = world.createGroupCall(
      USERBOT,
      PRIVATE_TEAM,
      { randomId: 1, scheduleDate: at, rtmp: false },
      NOW,
    );
    expect(call.state).toBe("scheduled");
    expect(world.messages(-1001500000003)[0]?.service).toEqual({
      kind: "video_chat_scheduled",
      startDate: at,
    });
    for (const bad of [nowSeconds + 9, nowSeconds - 100, nowSeconds + 8 * 86400 + 1]) {
      expect(
        rpcError(() =>
          world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, scheduleDate: bad, rtmp: false }, NOW),
        ),
      ).toEqual({ code: 400, errorMessage: "SCHEDULE_DATE_INVALID" });
    }
    expect(
      world.createGroupCall(
        USERBOT,
        COMMUNITY,
        { randomId: 10, scheduleDate: nowSeconds + 8 * 86400, rtmp: false },
        NOW,
      ).state,
    ).toBe("scheduled");
  });

  it.each([
    ["unknown chat", USERBOT, 999, {}, "PEER_ID_INVALID"],
    ["private chat the account is not in", USERBOT, LOCKED, {}, "CHANNEL_PRIVATE"],
    ["public chat the account is not in", SAM, COMMUNITY, {}, "CHAT_ADMIN_REQUIRED"],
    ["admin without manage_call", USERBOT, NO_RIGHTS, {}, "CHAT_ADMIN_REQUIRED"],
    ["plain member", MAX, COMMUNITY, {}, "CHAT_ADMIN_REQUIRED"],
    ["rtmp by an admin", ADAM, COMMUNITY, { rtmp: true }, "CHAT_ADMIN_REQUIRED"],
    ["random_id 0", USERBOT, COMMUNITY, { randomId: 0 }, "RANDOM_ID_INVALID"],
  ] as const)("refuses: %s", (_name, by, chat, extra, expected) => {
    const world = demo();
    const params = { randomId: 5, rtmp: false, ...extra };
    expect(rpcError(() => world.createGroupCall(by, chat, params, NOW))).toEqual({
      code: 400,
      errorMessage: expected,
    });
    expect(world.messages(-1001500000001)).toHaveLength(0);
  });

  it("a title over 64 characters is cut to 64 by default, or refused with TITLE_INVALID (overlongCallTitle)", () => {
    const world = demo();
    // 65 code points, 66 UTF-16 units: the limit counts characters, as TDLib's utf8_truncate does.
    const long = `🎥${"x".repeat(64)}`;
    const cut = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 1, title: long, rtmp: false }, NOW);
    expect(cut.title).toBe(`🎥${"x".repeat(63)}`);
    expect(world.editGroupCallTitle(USERBOT, cut.id, `${"y".repeat(70)}`).title).toBe("y".repeat(64));

    world.configure({ overlongCallTitle: "reject" });
    expect(rpcError(() => world.editGroupCallTitle(USERBOT, cut.id, long))).toEqual({
      code: 400,
      errorMessage: "TITLE_INVALID",
    });
    world.discardGroupCall(USERBOT, cut.id, NOW);
    const before = world.messages(-1001500000001).length;
    expect(
      rpcError(() =>
        world.createGroupCall(USERBOT, COMMUNITY, { randomId: 2, title: long, rtmp: false }, NOW),
      ),
    ).toEqual({ code: 400, errorMessage: "TITLE_INVALID" });
    expect(world.messages(-1001500000001)).toHaveLength(before);
    const exact = world.createGroupCall(
      USERBOT,
      COMMUNITY,
      { randomId: 3, title: "z".repeat(64), rtmp: false },
      NOW,
    );
    expect(exact.title).toBe("z".repeat(64));
  });

  it("settings come from the fixture and survive nothing but a reload; unknown values are refused", () => {
    const world = new World({
      ...readWorldFixture(demoWorldPath),
      settings: { overlongCallTitle: "reject" },
    });
    expect(world.settings).toEqual({ ...DEFAULT_WORLD_SETTINGS, overlongCallTitle: "reject" });
    expect(() => world.configure({ overlongCallTitle: "shorten" })).toThrow();
    world.load(readWorldFixture(demoWorldPath));
    expect(world.settings).toEqual(DEFAULT_WORLD_SETTINGS);
  });

  it("refuses a banned account", () => {
    const world = demo();
    world.setRole(COMMUNITY, MAX, { status: "banned" });
    expect(rpcError(() => world.createGroupCall(MAX, COMMUNITY, { randomId: 1, rtmp: false }, NOW))).toEqual({
      code: 400,
      errorMessage: "USER_BANNED_IN_CHANNEL",
    });
  });

  it("a second create in a chat ends the live call first: one call per chat (core.telegram.org/api/group-calls)", () => {
    const world = demo();
    const events: string[] = [];
    world.on("groupCall", (call) => events.push(`call ${call.id} ${call.state}`));
    world.on("message", (message) => events.push(`message ${message.callId} ${message.service?.kind}`));
    const live = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 1, rtmp: false }, NOW);
    events.length = 0;
    const next = world.createGroupCall(
      OLGA,
      COMMUNITY,
      { randomId: 2, scheduleDate: nowSeconds + 3600, rtmp: false },
      NOW + 90_000,
    );
    expect(live).toMatchObject({ state: "discarded", duration: 90 });
    expect(world.currentCall(COMMUNITY)?.id).toBe(next.id);
    expect(events).toEqual([
      `call ${live.id} discarded`,
      `message ${live.id} video_chat_ended`,
      `call ${next.id} scheduled`,
      `message ${next.id} video_chat_scheduled`,
    ]);
    const services = world.messages(-1001500000001).map((m) => m.service);
    expect(services).toEqual([
      { kind: "video_chat_started" },
      { kind: "video_chat_ended", duration: 90 },
      { kind: "video_chat_scheduled", startDate: nowSeconds + 3600 },
    ]);
  });

  it("a create that Telegram refuses leaves the chat's call alone", () => {
    const world = demo();
    const live = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 1, rtmp: false }, NOW);
    expect(rpcError(() => world.createGroupCall(MAX, COMMUNITY, { randomId: 2, rtmp: false }, NOW))).toEqual({
      code: 400,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    expect(world.currentCall(COMMUNITY)?.id).toBe(live.id);
  });

  it("lets the owner start an RTMP stream; channel service messages come from the channel", () => {
    const world = demo();
    const call = world.createGroupCall(OLGA, CHANNEL, { randomId: 3, rtmp: true }, NOW);
    expect(call.rtmp).toBe(true);
    const [message] = world.messages(-1001500000002);
    expect(message).toMatchObject({ senderChatId: -1001500000002 });
    expect(message?.fromUserId).toBeUndefined();
  });

  it("follows a rights change at once", () => {
    const world = demo();
    world.setRole(NO_RIGHTS, USERBOT, { status: "admin", rights: { manageCall: true } });
    expect(world.createGroupCall(USERBOT, NO_RIGHTS, { randomId: 1, rtmp: false }, NOW).state).toBe("active");
  });
});

describe("World: the call lifecycle", () => {
  it("scheduled -> active -> discarded, with service messages and errors", () => {
    const world = demo();
    const call = world.createGroupCall(
      USERBOT,
      COMMUNITY,
      { randomId: 1, scheduleDate: nowSeconds + 60, rtmp: false },
      NOW,
    );
    expect(rpcError(() => world.startScheduledGroupCall(MAX, call.id, NOW))).toMatchObject({
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    world.startScheduledGroupCall(ADAM, call.id, NOW + 5000);
    expect(call).toMatchObject({ state: "active", startedAt: nowSeconds + 5 });
    expect(call.scheduleDate).toBeUndefined();
    expect(rpcError(() => world.startScheduledGroupCall(ADAM, call.id))).toEqual({
      code: 403,
      errorMessage: "GROUPCALL_ALREADY_STARTED",
    });
    world.discardGroupCall(USERBOT, call.id, NOW + 65_000);
    expect(call).toMatchObject({ state: "discarded", duration: 60 });
    expect(world.currentCall(COMMUNITY)).toBeUndefined();
    expect(rpcError(() => world.discardGroupCall(USERBOT, call.id))).toEqual({
      code: 400,
      errorMessage: "GROUPCALL_ALREADY_DISCARDED",
    });
    expect(rpcError(() => world.startScheduledGroupCall(USERBOT, call.id))).toEqual({
      code: 400,
      errorMessage: "GROUPCALL_INVALID",
    });
    expect(world.messages(-1001500000001).map((m) => m.service)).toEqual([
      { kind: "video_chat_scheduled", startDate: nowSeconds + 60 },
      { kind: "video_chat_started" },
      { kind: "video_chat_ended", duration: 60 },
    ]);
  });

  it("edits titles, exports invites only for public chats, subscribes", () => {
    const world = demo();
    const pub = world.createGroupCall(
      USERBOT,
      COMMUNITY,
      { randomId: 1, rtmp: false, scheduleDate: nowSeconds + 60 },
      NOW,
    );
    world.editGroupCallTitle(USERBOT, pub.id, "Renamed");
    expect(world.getGroupCall(pub.id)?.title).toBe("Renamed");
    expect(world.exportGroupCallInvite(MAX, pub.id)).toMatch(
      /^https:\/\/t\.me\/demo_community\?videochat=\S+$/,
    );
    world.toggleGroupCallStartSubscription(MAX, pub.id, true);
    expect(pub.startSubscribed.has(MAX)).toBe(true);
    const priv = world.createGroupCall(USERBOT, PRIVATE_TEAM, { randomId: 1, rtmp: false }, NOW);
    expect(rpcError(() => world.exportGroupCallInvite(USERBOT, priv.id))).toEqual({
      code: 403,
      errorMessage: "PUBLIC_CHANNEL_MISSING",
    });
  });

  it("keeps the RTMP key until the owner revokes it", () => {
    const world = demo();
    const first = world.getGroupCallStreamRtmpUrl(ADAM, COMMUNITY, false);
    expect(first.url).toBe("rtmps://dc4-1.rtmp.t.me/s/");
    expect(world.getGroupCallStreamRtmpUrl(USERBOT, COMMUNITY, false)).toEqual(first);
    expect(rpcError(() => world.getGroupCallStreamRtmpUrl(ADAM, COMMUNITY, true))).toMatchObject({
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    expect(rpcError(() => world.getGroupCallStreamRtmpUrl(NINA, COMMUNITY, false))).toMatchObject({
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    const rotated = world.getGroupCallStreamRtmpUrl(OLGA, COMMUNITY, true);
    expect(rotated.key).not.toBe(first.key);
    expect(world.getGroupCallStreamRtmpUrl(ADAM, COMMUNITY, false)).toEqual(rotated);
  });
});

describe("World: messages", () => {
  it("numbers per chat, edits with history, refuses unchanged edits, deletes", () => {
    const world = demo();
    const a = world.postMessage({ chatId: OLGA, fromUserId: OLGA, text: "/start" });
    const b = world.postMessage({ chatId: OLGA, fromUserId: world.bot.id, text: "hello" });
    const c = world.postMessage({ chatId: -1001500000001, fromUserId: MAX, text: "hi" });
    expect([a.id, b.id, c.id]).toEqual([1, 2, 1]);
    expect(world.hasStartedBot(OLGA)).toBe(true);
    expect(world.hasStartedBot(MAX)).toBe(false);
    world.editMessage(OLGA, 2, { text: "hello again" });
    expect(world.getMessage(OLGA, 2)).toMatchObject({ text: "hello again", editHistory: ["hello"] });
    expect(rpcError(() => world.editMessage(OLGA, 2, { text: "hello again" }))).toMatchObject({
      errorMessage: "MESSAGE_NOT_MODIFIED",
    });
    world.deleteMessage(OLGA, 2);
    expect(rpcError(() => world.editMessage(OLGA, 2, { text: "x" }))).toMatchObject({
      errorMessage: "MESSAGE_ID_INVALID",
    });
    expect(world.messages(OLGA).map((m) => m.id)).toEqual([1]);
  });
});

describe("World settings: the undocumented behaviours, one value at a time", () => {
  it("randomIdRetry same-call (default): the retry gets the first call back, nothing else changes", () => {
    const world = demo();
    expect(world.settings.randomIdRetry).toBe("same-call");
    const first = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW);
    const retry = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW + 1000);
    expect(retry).toBe(first);
    expect(world.callsOf(COMMUNITY)).toHaveLength(1);
    expect(world.messages(-1001500000001)).toHaveLength(1);
  });

  it("randomIdRetry new-call: the retry makes a new call that replaces the first", () => {
    const world = demo();
    world.configure({ randomIdRetry: "new-call" });
    const first = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW);
    const retry = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW + 1000);
    expect(retry.id).not.toBe(first.id);
    expect(first.state).toBe("discarded");
    expect(world.currentCall(COMMUNITY)?.id).toBe(retry.id);
  });

  it("randomIdRetry error: the retry gets 500 RANDOM_ID_DUPLICATE and the first call stays", () => {
    const world = demo();
    world.configure({ randomIdRetry: "error" });
    const first = world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW);
    expect(
      rpcError(() => world.createGroupCall(USERBOT, COMMUNITY, { randomId: 9, rtmp: false }, NOW)),
    ).toEqual({
      code: 500,
      errorMessage: "RANDOM_ID_DUPLICATE",
    });
    expect(world.currentCall(COMMUNITY)?.id).toBe(first.id);
  });

  it("scheduledCallExpiry kept (default): a never-started call stays scheduled past its date", () => {
    const world = demo();
    const call = world.createGroupCall(
      USERBOT,
      COMMUNITY,
      { randomId: 1, scheduleDate: nowSeconds + 60, rtmp: false },
      NOW,
    );
    world.expireScheduledCalls(NOW + 30 * 86_400_000);
    expect(call.state).toBe("scheduled");
  });

  it("scheduledCallExpiry discarded: the server ends a never-started call the set time after its date", () => {
    const world = demo();
    world.configure({ scheduledCallExpiry: "discarded", scheduledCallExpirySeconds: 600 });
    const call = world.createGroupCall(
      USERBOT,
      COMMUNITY,
      { randomId: 1, scheduleDate: nowSeconds + 60, rtmp: false },
      NOW,
    );
    world.expireScheduledCalls(NOW + 659_000);
    expect(call.state).toBe("scheduled");
    world.expireScheduledCalls(NOW + 660_000);
    expect(call.state).toBe("discarded");
    expect(world.currentCall(COMMUNITY)).toBeUndefined();
    expect(world.messages(-1001500000001).at(-1)?.service).toEqual({ kind: "video_chat_ended", duration: 0 });
  });

  it("settings come from the fixture too and are validated", () => {
    const world = new World({ ...readWorldFixture(demoWorldPath), settings: { randomIdRetry: "error" } });
    expect(world.settings).toMatchObject({ randomIdRetry: "error", scheduledCallExpiry: "kept" });
    expect(() => world.configure({ randomIdRetry: "maybe" })).toThrow();
  });
});
