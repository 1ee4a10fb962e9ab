import { Api } from "telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupCallIn, inputPeerOf } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";
import { UpdateRecorder } from "./support/gramjs-updates.ts";

const isGroupCallUpdate = (u: Api.TypeUpdate): u is Api.UpdateGroupCall => u instanceof Api.UpdateGroupCall;

describe("updates pushed to connected gramjs clients", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it("a call created by one account reaches the other account's event handler, with the service message", async () => {
    const creator = await bed.connect();
    const watcher = await bed.connect("olga_owner");
    const creatorUpdates = new UpdateRecorder(creator);
    const watcherUpdates = new UpdateRecorder(watcher);
    // The event handler makes gramjs fetch users.getUsers(self) first; let that settle.
    await watcher.getMe();

    const created = groupCallIn(
      await creator.invoke(
        new Api.phone.CreateGroupCall({
          peer: inputPeerOf(bed.world, DEMO.community),
          randomId: 11,
          title: "Pushed",
        }),
      ),
    );
    const pushed = await watcherUpdates.waitFor(isGroupCallUpdate);
    expect(pushed.call.id.toString()).toBe(created.id.toString());
    expect((pushed.call as Api.GroupCall).title).toBe("Pushed");
    expect(pushed.chatId?.toString()).toBe(String(DEMO.community));
    const message = await watcherUpdates.waitFor(
      (u): u is Api.UpdateNewChannelMessage => u instanceof Api.UpdateNewChannelMessage,
    );
    expect((message.message as Api.MessageService).action).toBeInstanceOf(Api.MessageActionGroupCall);

    // The creator got the call in its rpc_result; the server does not push it again. Pushes
    // precede later answers on the same connection, so after one more round trip none came.
    await creator.invoke(new Api.updates.GetState());
    expect(creatorUpdates.received).toHaveLength(0);
  });

  it("changes made outside MTProto (the control side) reach members only", async () => {
    const assistant = await bed.connect();
    const updates = new UpdateRecorder(assistant);
    await assistant.getMe();

    // Sam's call in Locked Room: the assistant is not in that chat.
    bed.world.createGroupCall(1005, DEMO.lockedRoom, { randomId: 1, rtmp: false });
    // Olga's call in Demo Community: the assistant is a member.
    const call = bed.world.createGroupCall(DEMO.ownerId, DEMO.community, { randomId: 1, rtmp: false });
    const pushed = await updates.waitFor(isGroupCallUpdate);
    expect(pushed.call.id.toString()).toBe(call.id);
    bed.world.discardGroupCall(DEMO.ownerId, call.id);
    const ended = await updates.waitFor(
      (u): u is Api.UpdateGroupCall => isGroupCallUpdate(u) && u.call instanceof Api.GroupCallDiscarded,
    );
    expect(ended.call.id.toString()).toBe(call.id);
    const lockedRoomCallIds = bed.world.callsOf(DEMO.lockedRoom).map((c) => c.id);
    expect(
      updates.received.filter(
        (u) => isGroupCallUpdate(u) && lockedRoomCallIds.includes(u.call.id.toString()),
      ),
    ).toHaveLength(0);
  });
});
