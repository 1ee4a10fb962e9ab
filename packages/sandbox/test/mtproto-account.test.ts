import { Api, TelegramClient } from "telegram";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { StringSession } from "telegram/sessions/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sandboxSocketClass } from "./support/gramjs-client.ts";
import { groupCallIn, inputChannelOf, inputPeerOf, rpcErrorOf } from "./support/gramjs-peers.ts";
import { demoFixtureWithOwnerAccount, TEST_API_ID } from "./support/gramjs-sandbox.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

describe("account and chat methods over MTProto, with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it("connects with the issued session and knows who it is (getMe, users.getFullUser)", async () => {
    const client = await bed.connect();
    const me = await client.getMe();
    expect(me.id.toString()).toBe(String(DEMO.userbotId));
    expect(me.username).toBe("callbot_assistant");
    expect(me.self).toBe(true);
    const full = await client.invoke(new Api.users.GetFullUser({ id: new Api.InputUserSelf() }));
    expect(full.fullUser.id.toString()).toBe(String(DEMO.userbotId));
    const state = await client.invoke(new Api.updates.GetState());
    expect(state.date).toBeGreaterThan(0);
  });

  it("issues the same session strings for the same world seed (a saved session keeps working)", async () => {
    const second = await startGramjsTestbed();
    try {
      expect(second.server.sessions.callbot_assistant?.slice(0, 1)).toBe("1");
      // Same seed, same key; only the port inside the string differs (gramjs ignores it anyway).
      const keyOf = (s: string) => Buffer.from(s.slice(1), "base64").subarray(-256).toString("hex");
      expect(keyOf(second.server.sessions.callbot_assistant!)).toBe(
        keyOf(bed.server.sessions.callbot_assistant!),
      );
    } finally {
      await second.stop();
    }
  });

  it("a revoked session gets 401 AUTH_KEY_UNREGISTERED on every request; other accounts go on", async () => {
    const assistant = await bed.connect();
    const olga = await bed.connect("olga_owner");
    await assistant.getMe();
    expect(bed.server.revokeSessions(DEMO.userbotId)).toBe(1);
    expect(await rpcErrorOf(assistant.invoke(new Api.updates.GetState()))).toMatchObject({
      code: 401,
      errorMessage: "AUTH_KEY_UNREGISTERED",
    });
    expect((await olga.getMe()).username).toBe("olga_owner");
  });

  it("keeps a connected client working when the same world is loaded again", async () => {
    const client = await bed.connect();
    await client.getMe();
    bed.world.load(demoFixtureWithOwnerAccount());
    const started = Date.now();
    expect((await client.getMe()).id.toString()).toBe(String(DEMO.userbotId));
    // gramjs would reconnect after a 1 s pause had the server dropped the connection.
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("access hashes are per account: another account's hash for the same chat gets CHANNEL_INVALID", async () => {
    const assistant = await bed.connect();
    const olga = await bed.connect("olga_owner");
    const hashFor = async (client: typeof assistant) => {
      const resolved = await client.invoke(new Api.contacts.ResolveUsername({ username: "demo_community" }));
      return (resolved.chats[0] as Api.Channel).accessHash!;
    };
    const assistantsHash = await hashFor(assistant);
    const olgasHash = await hashFor(olga);
    expect(olgasHash.toString()).not.toBe(assistantsHash.toString());

    const channelWith = (accessHash: typeof olgasHash) =>
      new Api.InputChannel({ channelId: returnBigInt(DEMO.community), accessHash });
    expect(
      await rpcErrorOf(
        olga.invoke(new Api.channels.GetFullChannel({ channel: channelWith(assistantsHash) })),
      ),
    ).toEqual({ code: 400, errorMessage: "CHANNEL_INVALID" });
    const full = await olga.invoke(new Api.channels.GetFullChannel({ channel: channelWith(olgasHash) }));
    expect(full.fullChat.id.toString()).toBe(String(DEMO.community));
  });

  it("resolves usernames to chats and users, and USERNAME_NOT_OCCUPIED otherwise", async () => {
    const client = await bed.connect();
    const chat = await client.invoke(new Api.contacts.ResolveUsername({ username: "demo_community" }));
    expect(chat.peer).toBeInstanceOf(Api.PeerChannel);
    const channel = chat.chats[0] as Api.Channel;
    expect(channel.accessHash?.toString()).toBe(bed.world.accessHash("chat", DEMO.community, DEMO.userbotId));
    expect(channel.megagroup).toBe(true);
    const user = await client.invoke(new Api.contacts.ResolveUsername({ username: "olga_owner" }));
    expect(user.peer).toBeInstanceOf(Api.PeerUser);
    expect(
      await rpcErrorOf(client.invoke(new Api.contacts.ResolveUsername({ username: "nobody_here" }))),
    ).toEqual({
      code: 400,
      errorMessage: "USERNAME_NOT_OCCUPIED",
    });
  });

  it("lists the account's chats as dialogs (and not the chat it is not in)", async () => {
    const client = await bed.connect();
    await client.invoke(
      new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.channel), randomId: 9 }),
    );
    const dialogs = await client.getDialogs({});
    const titles = dialogs.map((d) => d.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Demo Community",
        "Demo Channel",
        "Private Team",
        "No Rights Club",
        "Old Group",
      ]),
    );
    expect(titles).not.toContain("Locked Room");
    // The channel with a fresh service message comes first.
    expect(titles[0]).toBe("Demo Channel");
  });

  it("channels.getChannels / messages.getChats return the chats; a wrong hash is CHANNEL_INVALID", async () => {
    const client = await bed.connect();
    const channels = await client.invoke(
      new Api.channels.GetChannels({ id: [inputChannelOf(bed.world, DEMO.channel)] }),
    );
    expect((channels.chats[0] as Api.Channel).broadcast).toBe(true);
    const groups = await client.invoke(new Api.messages.GetChats({ id: [returnBigInt(DEMO.oldGroup)] }));
    expect((groups.chats[0] as Api.Chat).title).toBe("Old Group");
    const forged = new Api.InputChannel({
      channelId: returnBigInt(DEMO.channel),
      accessHash: returnBigInt(5),
    });
    expect(await rpcErrorOf(client.invoke(new Api.channels.GetChannels({ id: [forged] })))).toEqual({
      code: 400,
      errorMessage: "CHANNEL_INVALID",
    });
  });

  it("getFullChannel / getFullChat carry the current call as inputGroupCall", async () => {
    const client = await bed.connect();
    const before = await client.invoke(
      new Api.channels.GetFullChannel({ channel: inputChannelOf(bed.world, DEMO.community) }),
    );
    expect((before.fullChat as Api.ChannelFull).call).toBeFalsy();
    const created = groupCallIn(
      await client.invoke(
        new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.community), randomId: 1 }),
      ),
    );
    const after = await client.invoke(
      new Api.channels.GetFullChannel({ channel: inputChannelOf(bed.world, DEMO.community) }),
    );
    expect((after.fullChat as Api.ChannelFull).call?.id.toString()).toBe(created.id.toString());

    const groupCall = groupCallIn(
      await client.invoke(
        new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.oldGroup), randomId: 2 }),
      ),
    );
    const fullChat = await client.invoke(
      new Api.messages.GetFullChat({ chatId: returnBigInt(DEMO.oldGroup) }),
    );
    expect((fullChat.fullChat as Api.ChatFull).call?.id.toString()).toBe(groupCall.id.toString());
    expect(
      await rpcErrorOf(
        client.invoke(
          new Api.channels.GetFullChannel({ channel: inputChannelOf(bed.world, DEMO.lockedRoom) }),
        ),
      ),
    ).toEqual({ code: 400, errorMessage: "CHANNEL_PRIVATE" });
  });

  it("channels.getParticipant shows creator, admin with manage_call, member, and USER_NOT_PARTICIPANT", async () => {
    const client = await bed.connect();
    const channel = inputChannelOf(bed.world, DEMO.community);
    const participant = async (userId: number) => {
      const peer = new Api.InputPeerUser({
        userId: returnBigInt(userId),
        accessHash: returnBigInt(bed.world.accessHash("user", userId, DEMO.userbotId)),
      });
      return (await client.invoke(new Api.channels.GetParticipant({ channel, participant: peer })))
        .participant;
    };
    expect(await participant(DEMO.ownerId)).toBeInstanceOf(Api.ChannelParticipantCreator);
    const self = await client.invoke(
      new Api.channels.GetParticipant({ channel, participant: new Api.InputPeerSelf() }),
    );
    const admin = self.participant as Api.ChannelParticipantAdmin;
    expect(admin).toBeInstanceOf(Api.ChannelParticipantAdmin);
    expect(admin.adminRights.manageCall).toBe(true);
    const nina = (await participant(1003)) as Api.ChannelParticipantAdmin;
    expect(nina.adminRights.manageCall).toBeFalsy();
    expect(await participant(1004)).toBeInstanceOf(Api.ChannelParticipant);
    expect(await rpcErrorOf(participant(1005))).toEqual({ code: 400, errorMessage: "USER_NOT_PARTICIPANT" });
  });

  it("answers ping with a bare pong, not counted as an API request", async () => {
    // (get_future_salts is answered too, but gramjs cannot await it: it looks the answer up by
    // the server's msg_id instead of req_msg_id.)
    const client = await bed.connect();
    const pong = (await client.invoke(new Api.Ping({ pingId: returnBigInt(4242) }))) as unknown as Api.Pong;
    expect(pong.pingId.toString()).toBe("4242");
    expect(bed.counters.snapshot().mtproto.ping).toBeUndefined();
  });

  it("answers an unimplemented method with an rpc_error naming it, never silence", async () => {
    const client = await bed.connect();
    const error = await rpcErrorOf(
      client.invoke(
        new Api.messages.SendMessage({ peer: inputPeerOf(bed.world, DEMO.community), message: "hi" }),
      ),
    );
    expect(error).toEqual({ code: 400, errorMessage: "METHOD_NOT_IMPLEMENTED_messages.sendMessage" });
  });

  it("names an unknown constructor, even nested inside invokeWithLayer", async () => {
    const client = await bed.connect();
    const unknownQuery = { CONSTRUCTOR_ID: 0x0badc0de, getBytes: () => Buffer.from("dec0ad0b", "hex") };
    const error = await rpcErrorOf(
      client.invoke(
        new Api.InvokeWithLayer({ layer: 198, query: unknownQuery as unknown as Api.help.GetConfig }),
      ),
    );
    expect(error).toEqual({ code: 400, errorMessage: "METHOD_NOT_IMPLEMENTED_0x0badc0de" });
  });

  it("refuses a layer other than 198 with an error naming it, instead of answering in the wrong layer", async () => {
    const client = await bed.connect();
    const error = await rpcErrorOf(
      client.invoke(new Api.InvokeWithLayer({ layer: 227, query: new Api.help.GetConfig() })),
    );
    expect(error).toEqual({ code: 400, errorMessage: "LAYER_227_NOT_SUPPORTED_SANDBOX_SERVES_LAYER_198" });
  });

  it("refuses a client that announces another api_id", async () => {
    const session = bed.server.sessions.callbot_assistant!;
    const client = new TelegramClient(new StringSession(session), TEST_API_ID + 1, "x", {
      networkSocket: sandboxSocketClass(bed.server.host, bed.server.port),
      connectionRetries: 1,
      baseLogger: new Logger(LogLevel.NONE),
    });
    try {
      expect(await rpcErrorOf(client.connect())).toEqual({ code: 400, errorMessage: "API_ID_INVALID" });
    } finally {
      await client.destroy();
    }
  });

  it("serves two clients at once, each as its own account", async () => {
    const [assistant, owner] = await Promise.all([bed.connect(), bed.connect("olga_owner")]);
    const [a, b] = await Promise.all([assistant.getMe(), owner.getMe()]);
    expect(a.id.toString()).toBe(String(DEMO.userbotId));
    expect(b.id.toString()).toBe(String(DEMO.ownerId));
    const created = await Promise.all([
      assistant.invoke(
        new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.community), randomId: 1 }),
      ),
      owner.invoke(
        new Api.phone.CreateGroupCall({
          peer: inputPeerOf(bed.world, DEMO.channel, DEMO.ownerId),
          randomId: 1,
        }),
      ),
    ]);
    expect(created.map((u) => groupCallIn(u).id.toString())).toEqual([
      bed.world.currentCall(DEMO.community)?.id,
      bed.world.currentCall(DEMO.channel)?.id,
    ]);
    expect(bed.world.currentCall(DEMO.channel)?.createdBy).toBe(DEMO.ownerId);
  });
});
