import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupCallIn, inputPeerOf, rpcErrorOf, serviceMessageIn } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe("phone.createGroupCall over MTProto with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const create = (
    client: Awaited<ReturnType<GramjsTestbed["connect"]>>,
    fields: Partial<Api.phone.CreateGroupCall>,
  ) =>
    client.invoke(
      new Api.phone.CreateGroupCall({
        peer: inputPeerOf(bed.world, DEMO.community),
        randomId: 1234,
        ...fields,
      }),
    );

  it("starts a call now: updateGroupCall plus the service message, and the world has the call", async () => {
    const client = await bed.connect();
    const updates = await create(client, { title: "Standup" });
    const call = groupCallIn(updates);
    expect(call).toBeInstanceOf(Api.GroupCall);
    expect((call as Api.GroupCall).title).toBe("Standup");
    expect((call as Api.GroupCall).scheduleDate).toBeFalsy();
    const service = serviceMessageIn(updates);
    expect(service?.action).toBeInstanceOf(Api.MessageActionGroupCall);
    expect((updates as Api.Updates).chats.map((c) => c.id.toString())).toContain(String(DEMO.community));
    const worldCall = bed.world.currentCall(DEMO.community);
    expect(worldCall?.state).toBe("active");
    expect(worldCall?.id).toBe(call.id.toString());
    expect(worldCall?.accessHash).toBe(call.accessHash.toString());
  });

  it("schedules a call: scheduleDate echoed, messageActionGroupCallScheduled, state scheduled", async () => {
    const client = await bed.connect();
    const when = nowSeconds() + 3600;
    const updates = await create(client, { scheduleDate: when, title: "Later" });
    const call = groupCallIn(updates) as Api.GroupCall;
    expect(call.scheduleDate).toBe(when);
    const action = serviceMessageIn(updates)?.action;
    expect(action).toBeInstanceOf(Api.MessageActionGroupCallScheduled);
    expect((action as Api.MessageActionGroupCallScheduled).scheduleDate).toBe(when);
    expect(bed.world.currentCall(DEMO.community)?.state).toBe("scheduled");
  });

  it("works for a basic group through InputPeerChat (updateNewMessage, not the channel update)", async () => {
    const client = await bed.connect();
    const updates = await create(client, { peer: inputPeerOf(bed.world, DEMO.oldGroup) });
    expect(groupCallIn(updates)).toBeInstanceOf(Api.GroupCall);
    expect((updates as Api.Updates).updates.some((u) => u instanceof Api.UpdateNewMessage)).toBe(true);
    expect(bed.world.currentCall(DEMO.oldGroup)?.state).toBe("active");
  });

  it("lets the owner start an RTMP livestream", async () => {
    const owner = await bed.connect("olga_owner");
    const peer = inputPeerOf(bed.world, DEMO.community, DEMO.ownerId);
    const call = groupCallIn(await create(owner, { peer, rtmpStream: true })) as Api.GroupCall;
    expect(call.rtmpStream).toBe(true);
    expect(bed.world.currentCall(DEMO.community)?.rtmp).toBe(true);
  });

  it("refuses rtmp_stream to an admin who is not the owner: CHAT_ADMIN_REQUIRED", async () => {
    const client = await bed.connect();
    expect(await rpcErrorOf(create(client, { rtmpStream: true }))).toEqual({
      code: 400,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    expect(bed.world.currentCall(DEMO.community)).toBeUndefined();
  });

  it("refuses an admin without manage_call: CHAT_ADMIN_REQUIRED", async () => {
    const client = await bed.connect();
    const error = await rpcErrorOf(create(client, { peer: inputPeerOf(bed.world, DEMO.noRightsClub) }));
    expect(error).toEqual({ code: 400, errorMessage: "CHAT_ADMIN_REQUIRED" });
  });

  it("answers CHANNEL_PRIVATE for a private chat the account is not in", async () => {
    const client = await bed.connect();
    const error = await rpcErrorOf(create(client, { peer: inputPeerOf(bed.world, DEMO.lockedRoom) }));
    expect(error).toEqual({ code: 400, errorMessage: "CHANNEL_PRIVATE" });
  });

  it("answers PEER_ID_INVALID for an unknown peer and CHANNEL_INVALID for a wrong access hash", async () => {
    const client = await bed.connect();
    const unknown = new Api.InputPeerChannel({
      channelId: returnBigInt(999_999),
      accessHash: returnBigInt(1),
    });
    expect(await rpcErrorOf(create(client, { peer: unknown }))).toEqual({
      code: 400,
      errorMessage: "PEER_ID_INVALID",
    });
    const wrongHash = new Api.InputPeerChannel({
      channelId: returnBigInt(DEMO.community),
      accessHash: returnBigInt(1),
    });
    expect(await rpcErrorOf(create(client, { peer: wrongHash }))).toEqual({
      code: 400,
      errorMessage: "CHANNEL_INVALID",
    });
    expect(await rpcErrorOf(create(client, { peer: new Api.InputPeerSelf() }))).toEqual({
      code: 400,
      errorMessage: "PEER_ID_INVALID",
    });
  });

  it("enforces the schedule bounds: under 10 s and over 8 days are SCHEDULE_DATE_INVALID", async () => {
    const client = await bed.connect();
    const tooSoon = await rpcErrorOf(create(client, { scheduleDate: nowSeconds() + 5 }));
    expect(tooSoon).toEqual({ code: 400, errorMessage: "SCHEDULE_DATE_INVALID" });
    const tooLate = await rpcErrorOf(
      create(client, { scheduleDate: nowSeconds() + 8 * 86400 + 60, randomId: 2 }),
    );
    expect(tooLate).toEqual({ code: 400, errorMessage: "SCHEDULE_DATE_INVALID" });
    // Just inside both bounds works.
    const inside = groupCallIn(
      await create(client, { scheduleDate: nowSeconds() + 8 * 86400 - 60, randomId: 3 }),
    );
    expect(inside).toBeInstanceOf(Api.GroupCall);
  });

  it("with overlongCallTitle reject: refuses a title over 64 characters and accepts exactly 64", async () => {
    bed.world.configure({ overlongCallTitle: "reject" });
    const client = await bed.connect();
    const error = await rpcErrorOf(create(client, { title: "x".repeat(65) }));
    expect(error).toEqual({ code: 400, errorMessage: "TITLE_INVALID" });
    const call = groupCallIn(await create(client, { title: "y".repeat(64), randomId: 99 })) as Api.GroupCall;
    expect(call.title).toBe("y".repeat(64));
  });

  it("a second create ends the chat's call first: one Updates, the old call's discard before the new call", async () => {
    const client = await bed.connect();
    const first = groupCallIn(await create(client, { randomId: 1, title: "Weekly" }));
    const updates = await create(client, { randomId: 2, title: "Next", scheduleDate: nowSeconds() + 3600 });
    if (!(updates instanceof Api.Updates)) throw new Error("expected Updates");
    const sequence = updates.updates.map((u) => {
      if (u instanceof Api.UpdateGroupCall) return `${u.call.className} ${u.call.id}`;
      if (u instanceof Api.UpdateNewChannelMessage && u.message instanceof Api.MessageService)
        return u.message.action.className;
      return u.className;
    });
    const next = bed.world.currentCall(DEMO.community)!;
    expect(sequence).toEqual([
      `GroupCallDiscarded ${first.id}`,
      "MessageActionGroupCall",
      `GroupCall ${next.id}`,
      "MessageActionGroupCallScheduled",
    ]);
    expect(next.title).toBe("Next");
    expect(bed.world.callsOf(DEMO.community).map((c) => c.state)).toEqual(["discarded", "scheduled"]);
  });

  it("deduplicates by random_id: a retry gets the same call, and the world holds one call", async () => {
    const client = await bed.connect();
    const first = groupCallIn(await create(client, { randomId: 777, title: "Once" }));
    const retry = await create(client, { randomId: 777, title: "Once" });
    expect(groupCallIn(retry).id.toString()).toBe(first.id.toString());
    expect(bed.world.callsOf(DEMO.community)).toHaveLength(1);
    // No second service message either.
    expect(bed.world.messages(-1_001_500_000_001).filter((m) => m.service)).toHaveLength(1);
    expect(bed.counters.snapshot().mtproto["phone.createGroupCall"]).toBe(2);
  });
});
