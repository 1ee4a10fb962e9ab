import { Api } from "telegram";
import { FloodWaitError } from "telegram/errors/index.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupCallIn, inputPeerOf, rpcErrorOf } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

describe("Telegram's per-method flood limits (World setting methodFloods)", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it("a long wait on contacts.resolveUsername leaves createGroupCall allowed and other accounts alone", async () => {
    bed.world.configure({
      methodFloods: { "contacts.resolveUsername": { requests: 1, perSeconds: 3600, waitSeconds: 1800 } },
    });
    const client = await bed.connect("callbot_assistant", { floodSleepThreshold: 0 });
    const resolve = () => client.invoke(new Api.contacts.ResolveUsername({ username: "demo_community" }));
    await resolve();
    const flood = await resolve().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(flood).toBeInstanceOf(FloodWaitError);
    expect((flood as FloodWaitError).seconds).toBe(1800);
    // While the wait runs, each try hears the seconds left, and nothing else is limited.
    expect((await rpcErrorOf(resolve())).code).toBe(420);
    const created = await client.invoke(
      new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.community), randomId: 5 }),
    );
    expect(groupCallIn(created)).toBeInstanceOf(Api.GroupCall);
    const other = await bed.connect("olga_owner");
    const resolved = await other.invoke(new Api.contacts.ResolveUsername({ username: "demo_community" }));
    expect(resolved.chats).toHaveLength(1);
  });

  it("the budget starts afresh once the wait is over", () => {
    bed.world.configure({
      methodFloods: { "messages.getDialogs": { requests: 0, perSeconds: 60, waitSeconds: 600 } },
    });
    const t0 = 1_000_000;
    expect(bed.world.floodWaitFor(DEMO.userbotId, "messages.getDialogs", t0)).toBe(600);
    expect(bed.world.floodWaitFor(DEMO.userbotId, "messages.getDialogs", t0 + 100_500)).toBe(500);
    expect(bed.world.floodWaitFor(DEMO.userbotId, "phone.createGroupCall", t0)).toBeUndefined();
    expect(bed.world.floodWaitFor(DEMO.userbotId, "messages.getDialogs", t0 + 600_000)).toBe(600);
  });
});

describe("faults that carry the request out, then fail", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const createCall = () =>
    new Api.phone.CreateGroupCall({ peer: inputPeerOf(bed.world, DEMO.community), randomId: 9 });

  it.each([
    { code: -503, message: "Timeout" },
    { code: 500, message: "INTERNAL" },
  ])(
    "executed-then-error $code $message: the call exists, the client hears the error",
    async ({ code, message }) => {
      const client = await bed.connect();
      bed.faults.mtproto({
        method: "phone.createGroupCall",
        action: { kind: "executed-then-error", code, message },
        times: 1,
      });
      const error = await client.invoke(createCall()).then(
        () => undefined,
        (thrown: unknown) => thrown as { code?: number; errorMessage?: string; message?: string },
      );
      expect(error).toBeDefined();
      // gramjs turns a 500 into its own retry and then a plain error; a -503 comes through as RPCError.
      if (code === -503) expect(error).toMatchObject({ code: -503 });
      expect(bed.world.currentCall(DEMO.community)?.state).toBe("active");
    },
  );

  it("executed-then-drop: the call exists, the connection closes before the answer", async () => {
    const client = await bed.connect();
    bed.faults.mtproto({ method: "phone.createGroupCall", action: { kind: "executed-then-drop" }, times: 1 });
    const created = new Promise<unknown>((resolve) => {
      bed.world.once("groupCall", resolve);
    });
    void client.invoke(createCall()).catch(() => undefined);
    await created;
    expect(bed.world.callsOf(DEMO.community)).toHaveLength(1);
    expect(bed.world.currentCall(DEMO.community)?.state).toBe("active");
  });
});
