import { waitFor } from "@callbot/test-support";
import { Api } from "telegram";
import { FloodWaitError } from "telegram/errors/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupCallIn, inputPeerOf, rpcErrorOf } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

describe("MTProto faults, as the real gramjs client experiences them", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const createCall = (randomId = 1) =>
    new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.community), randomId });

  it("error: the armed rpc_error comes back once, then the method works again", async () => {
    const client = await bed.connect();
    bed.faults.mtproto({
      method: "phone.createGroupCall",
      action: { kind: "error", code: 400, message: "CREATE_CALL_FAILED" },
      times: 1,
    });
    expect(await rpcErrorOf(client.invoke(createCall()))).toEqual({
      code: 400,
      errorMessage: "CREATE_CALL_FAILED",
    });
    expect(bed.world.currentCall(DEMO.community)).toBeUndefined();
    expect(groupCallIn(await client.invoke(createCall())).id.toString()).toBe(
      bed.world.currentCall(DEMO.community)?.id,
    );
  });

  it("flood: gramjs raises FloodWaitError with the armed seconds", async () => {
    const client = await bed.connect("callbot_assistant", { floodSleepThreshold: 0 });
    bed.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "flood", seconds: 7 }, times: 1 });
    const error = await client.invoke(createCall()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(FloodWaitError);
    expect((error as FloodWaitError).seconds).toBe(7);
    expect((error as FloodWaitError).code).toBe(420);
  });

  it("delay: the answer comes after the delay, and other requests on the connection are not held up", async () => {
    const client = await bed.connect();
    bed.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "delay", ms: 400 }, times: 1 });
    const started = Date.now();
    let createdAt = 0;
    const created = client.invoke(createCall()).then((updates) => {
      createdAt = Date.now();
      return updates;
    });
    await client.invoke(new Api.updates.GetState());
    expect(createdAt).toBe(0);
    expect(groupCallIn(await created)).toBeInstanceOf(Api.GroupCall);
    expect(createdAt - started).toBeGreaterThanOrEqual(390);
  });

  it("hang: the request is never answered while the connection keeps serving others", async () => {
    const client = await bed.connect();
    bed.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hang" }, times: 1 });
    const hung = client.invoke(createCall());
    hung.catch(() => undefined); // rejected when the client is destroyed
    const outcome = await Promise.race([
      hung.then(() => "answered"),
      new Promise((resolve) => setTimeout(() => resolve("no answer"), 500)),
    ]);
    expect(outcome).toBe("no answer");
    const me = await client.getMe();
    expect(me.id.toString()).toBe(String(DEMO.userbotId));
    expect(bed.counters.snapshot().mtproto["phone.createGroupCall"]).toBe(1);
  });

  it("hold: the request is carried out and answered only when the test releases its gate", async () => {
    const client = await bed.connect();
    bed.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "hold", gate: "create" } });
    let answered = false;
    const created = client.invoke(createCall()).then((updates) => {
      answered = true;
      return updates;
    });
    await waitFor(
      () => bed.counters.snapshot().mtproto["phone.createGroupCall"] === 1,
      "the create to arrive",
    );
    // Other requests on the connection go on meanwhile.
    await client.invoke(new Api.updates.GetState());
    expect(answered).toBe(false);
    expect(bed.world.currentCall(DEMO.community)).toBeUndefined();
    bed.faults.release("create");
    expect(groupCallIn(await created).id.toString()).toBe(bed.world.currentCall(DEMO.community)?.id);
  });

  it("drop: the connection is closed; gramjs reconnects and resends, and random_id keeps it to one call", async () => {
    const client = await bed.connect();
    bed.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "drop" }, times: 1 });
    const updates = await client.invoke(createCall(4242));
    expect(groupCallIn(updates).id.toString()).toBe(bed.world.currentCall(DEMO.community)?.id);
    const counts = bed.counters.snapshot().mtproto;
    // The same request arrived twice (once per connection) and made one call.
    expect(counts["phone.createGroupCall"]).toBe(2);
    expect(bed.world.callsOf(DEMO.community)).toHaveLength(1);
  });

  it("faults aimed at one account leave the other alone", async () => {
    const assistant = await bed.connect();
    const owner = await bed.connect("olga_owner");
    bed.faults.mtproto({
      method: "*",
      account: DEMO.ownerId,
      action: { kind: "error", code: 401, message: "SESSION_REVOKED" },
    });
    expect(await rpcErrorOf(owner.getMe())).toEqual({ code: 401, errorMessage: "SESSION_REVOKED" });
    expect((await assistant.getMe()).id.toString()).toBe(String(DEMO.userbotId));
  });
});
