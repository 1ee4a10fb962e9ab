import { Api, TelegramClient } from "telegram";
import { BinaryReader } from "telegram/extensions/index.js";
import { Logger, LogLevel } from "telegram/extensions/Logger.js";
import { returnBigInt } from "telegram/Helpers.js";
import { ConnectionTCPAbridged } from "telegram/network/connection/TCPAbridged.js";
import { StringSession } from "telegram/sessions/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RawMtprotoClient } from "../bench/raw-mtproto-client.ts";
import { sandboxSocketClass } from "./support/gramjs-client.ts";
import { groupCallIn, inputPeerOf } from "./support/gramjs-peers.ts";
import { TEST_API_ID } from "./support/gramjs-sandbox.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

const initConnection = (query: Api.AnyRequest) =>
  new Api.InvokeWithLayer({
    layer: 198,
    query: new Api.InitConnection({
      apiId: TEST_API_ID,
      deviceModel: "test",
      systemVersion: "test",
      appVersion: "test",
      systemLangCode: "en",
      langPack: "",
      langCode: "en",
      query,
    }),
  });

describe("the other MTProto transports", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it("abridged: the real gramjs client with ConnectionTCPAbridged creates a call", async () => {
    const client = new TelegramClient(
      new StringSession(bed.server.sessions.callbot_assistant!),
      TEST_API_ID,
      "x",
      {
        connection: ConnectionTCPAbridged,
        networkSocket: sandboxSocketClass(bed.server.host, bed.server.port),
        connectionRetries: 1,
        baseLogger: new Logger(LogLevel.NONE),
      },
    );
    try {
      await client.connect();
      expect((await client.getMe()).id.toString()).toBe(String(DEMO.userbotId));
      const updates = await client.invoke(
        new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.community), randomId: 3 }),
      );
      expect(groupCallIn(updates).id.toString()).toBe(bed.world.currentCall(DEMO.community)?.id);
    } finally {
      await client.destroy();
    }
  });

  it("intermediate (mtcute's transport): config, bare future_salts and pong, and a created call", async () => {
    const raw = await RawMtprotoClient.connect(
      bed.server.host,
      bed.server.port,
      bed.server.sessions.callbot_assistant!,
      "intermediate",
    );
    try {
      const config = new BinaryReader(
        await raw.invoke(initConnection(new Api.help.GetConfig()).getBytes()),
      ).tgReadObject();
      expect(config).toBeInstanceOf(Api.Config);
      expect((config as Api.Config).dcOptions[0]?.port).toBe(bed.server.port);

      const salts = new BinaryReader(await raw.invoke(new Api.GetFutureSalts({ num: 2 }).getBytes()));
      salts.readInt(false); // future_salts constructor
      salts.readLong(); // req_msg_id
      salts.readInt(); // now
      expect(salts.readInt()).toBe(2);

      const pong = new BinaryReader(
        await raw.invoke(new Api.Ping({ pingId: returnBigInt(77) }).getBytes()),
      ).tgReadObject();
      expect((pong as Api.Pong).pingId.toString()).toBe("77");

      const peer = inputPeerOf(bed.world, DEMO.channel);
      const updates = new BinaryReader(
        await raw.invoke(new Api.phone.CreateGroupCall({ peer, randomId: 8, title: "Raw" }).getBytes()),
      ).tgReadObject();
      expect((groupCallIn(updates) as Api.GroupCall).title).toBe("Raw");
      expect(bed.world.currentCall(DEMO.channel)?.title).toBe("Raw");
    } finally {
      raw.close();
    }
  });
});
