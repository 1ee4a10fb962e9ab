import { Api } from "telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  groupCallIn,
  inputCallOf,
  inputPeerOf,
  rpcErrorOf,
  serviceMessageIn,
} from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

describe("the methods around a group call, with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  async function scheduledCall(
    client: Awaited<ReturnType<GramjsTestbed["connect"]>>,
    chat: number = DEMO.community,
  ) {
    const updates = await client.invoke(
      new Api.phone.CreateGroupCall({
        peer: inputPeerOf(bed.world, chat),
        randomId: 5,
        scheduleDate: Math.floor(Date.now() / 1000) + 600,
      }),
    );
    return inputCallOf(groupCallIn(updates));
  }

  it("phone.getGroupCall returns the call, and GROUPCALL_INVALID for a wrong access hash", async () => {
    const client = await bed.connect();
    const call = await scheduledCall(client);
    const answer = await client.invoke(new Api.phone.GetGroupCall({ call, limit: 10 }));
    expect(answer.call.id.toString()).toBe(call.id.toString());
    expect((answer.call as Api.GroupCall).scheduleDate).toBeGreaterThan(0);
    const forged = new Api.InputGroupCall({ id: call.id, accessHash: call.accessHash.add(1) });
    expect(await rpcErrorOf(client.invoke(new Api.phone.GetGroupCall({ call: forged, limit: 1 })))).toEqual({
      code: 400,
      errorMessage: "GROUPCALL_INVALID",
    });
  });

  it("phone.getGroupCall for an ended call answers as the world setting endedCallLookup says", async () => {
    const client = await bed.connect();
    const call = await scheduledCall(client);
    await client.invoke(new Api.phone.DiscardGroupCall({ call }));
    const lookup = () => client.invoke(new Api.phone.GetGroupCall({ call, limit: 1 }));

    expect((await lookup()).call).toBeInstanceOf(Api.GroupCallDiscarded);
    bed.world.configure({ endedCallLookup: "invalid" });
    expect(await rpcErrorOf(lookup())).toEqual({ code: 400, errorMessage: "GROUPCALL_INVALID" });
    bed.world.configure({ endedCallLookup: "forbidden" });
    expect(await rpcErrorOf(lookup())).toEqual({ code: 403, errorMessage: "GROUPCALL_FORBIDDEN" });
  });

  it("startScheduledGroupCall starts it once; a second start is GROUPCALL_ALREADY_STARTED", async () => {
    const client = await bed.connect();
    const call = await scheduledCall(client);
    const updates = await client.invoke(new Api.phone.StartScheduledGroupCall({ call }));
    const started = groupCallIn(updates) as Api.GroupCall;
    expect(started.scheduleDate).toBeFalsy();
    expect(serviceMessageIn(updates)?.action).toBeInstanceOf(Api.MessageActionGroupCall);
    expect(bed.world.currentCall(DEMO.community)?.state).toBe("active");
    expect(await rpcErrorOf(client.invoke(new Api.phone.StartScheduledGroupCall({ call })))).toEqual({
      code: 403,
      errorMessage: "GROUPCALL_ALREADY_STARTED",
    });
  });

  it("discardGroupCall ends it (groupCallDiscarded + action with duration); again is GROUPCALL_ALREADY_DISCARDED", async () => {
    const client = await bed.connect();
    const call = await scheduledCall(client);
    const updates = await client.invoke(new Api.phone.DiscardGroupCall({ call }));
    expect(groupCallIn(updates)).toBeInstanceOf(Api.GroupCallDiscarded);
    const action = serviceMessageIn(updates)?.action as Api.MessageActionGroupCall;
    expect(action).toBeInstanceOf(Api.MessageActionGroupCall);
    expect(action.duration).toBe(0);
    expect(bed.world.currentCall(DEMO.community)).toBeUndefined();
    expect(await rpcErrorOf(client.invoke(new Api.phone.DiscardGroupCall({ call })))).toEqual({
      code: 400,
      errorMessage: "GROUPCALL_ALREADY_DISCARDED",
    });
  });

  it("editGroupCallTitle renames the call and bumps its version", async () => {
    const client = await bed.connect();
    const call = await scheduledCall(client);
    const updates = await client.invoke(new Api.phone.EditGroupCallTitle({ call, title: "Renamed" }));
    const renamed = groupCallIn(updates) as Api.GroupCall;
    expect(renamed.title).toBe("Renamed");
    expect(renamed.version).toBe(2);
    expect(bed.world.currentCall(DEMO.community)?.title).toBe("Renamed");
  });

  it("exportGroupCallInvite gives a t.me link in a public chat and PUBLIC_CHANNEL_MISSING in a private one", async () => {
    const client = await bed.connect();
    const publicCall = await scheduledCall(client, DEMO.community);
    const invite = await client.invoke(new Api.phone.ExportGroupCallInvite({ call: publicCall }));
    expect(invite.link).toMatch(/^https:\/\/t\.me\/demo_community\?videochat=/);
    const privateCall = await scheduledCall(client, DEMO.privateTeam);
    expect(
      await rpcErrorOf(client.invoke(new Api.phone.ExportGroupCallInvite({ call: privateCall }))),
    ).toEqual({
      code: 403,
      errorMessage: "PUBLIC_CHANNEL_MISSING",
    });
  });

  it("getGroupCallStreamRtmpUrl: stable key for admins, revoke rotates it for the owner only", async () => {
    const admin = await bed.connect();
    const owner = await bed.connect("olga_owner");
    const peer = inputPeerOf(bed.world, DEMO.community);
    const first = await admin.invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer, revoke: false }));
    expect(first.url).toMatch(/^rtmps:\/\//);
    const again = await admin.invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer, revoke: false }));
    expect(again.key).toBe(first.key);
    expect(
      await rpcErrorOf(admin.invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer, revoke: true }))),
    ).toEqual({
      code: 400,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    const ownersPeer = inputPeerOf(bed.world, DEMO.community, DEMO.ownerId);
    const rotated = await owner.invoke(
      new Api.phone.GetGroupCallStreamRtmpUrl({ peer: ownersPeer, revoke: true }),
    );
    expect(rotated.key).not.toBe(first.key);
    const noRights = inputPeerOf(bed.world, DEMO.noRightsClub);
    expect(
      await rpcErrorOf(
        admin.invoke(new Api.phone.GetGroupCallStreamRtmpUrl({ peer: noRights, revoke: false })),
      ),
    ).toEqual({ code: 400, errorMessage: "CHAT_ADMIN_REQUIRED" });
  });

  it("toggleGroupCallStartSubscription flips schedule_start_subscribed; after the start it is GROUPCALL_ALREADY_STARTED", async () => {
    const client = await bed.connect();
    const call = await scheduledCall(client);
    const on = await client.invoke(
      new Api.phone.ToggleGroupCallStartSubscription({ call, subscribed: true }),
    );
    expect((groupCallIn(on) as Api.GroupCall).scheduleStartSubscribed).toBe(true);
    const off = await client.invoke(
      new Api.phone.ToggleGroupCallStartSubscription({ call, subscribed: false }),
    );
    expect((groupCallIn(off) as Api.GroupCall).scheduleStartSubscribed).toBeFalsy();
    await client.invoke(new Api.phone.StartScheduledGroupCall({ call }));
    expect(
      await rpcErrorOf(
        client.invoke(new Api.phone.ToggleGroupCallStartSubscription({ call, subscribed: true })),
      ),
    ).toEqual({ code: 403, errorMessage: "GROUPCALL_ALREADY_STARTED" });
  });
});
