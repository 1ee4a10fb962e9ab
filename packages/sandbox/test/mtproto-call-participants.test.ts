import { Api } from "telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { callInviteHash } from "../src/world/group-call-controls.ts";
import { isGroupCallUpdate, liveCall, watchedAssistantWithCall } from "./support/gramjs-calls.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

const ADAM = 1002;
const MAX = 1004;
const SAM = 1005;

const countOf = (update: Api.UpdateGroupCall) => (update.call as Api.GroupCall).participantsCount;

describe("simulated participants of a live call, seen with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it("joins and leaves change participants_count in getGroupCall and push updateGroupCall to the chat's members", async () => {
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);
    const callId = call.id.toString();

    bed.world.joinGroupCall(callId, [MAX, SAM]);
    const joined = await updates.waitFor(
      (u): u is Api.UpdateGroupCall => isGroupCallUpdate(u) && countOf(u) === 2,
    );
    expect(joined.call.id.toString()).toBe(callId);
    const read = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 10 }));
    expect((read.call as Api.GroupCall).participantsCount).toBe(2);
    expect(read.participants.map((p) => (p.peer as Api.PeerUser).userId.toJSNumber())).toEqual([MAX, SAM]);
    expect(read.users.map((u) => u.id.toJSNumber()).sort()).toEqual([MAX, SAM]);
    const limited = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 1 }));
    expect(limited.participants).toHaveLength(1);

    bed.world.leaveGroupCall(callId, [MAX, SAM]);
    await updates.waitFor((u): u is Api.UpdateGroupCall => isGroupCallUpdate(u) && countOf(u) === 0);
    const empty = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 10 }));
    expect((empty.call as Api.GroupCall).participantsCount).toBe(0);
    expect(empty.participants).toEqual([]);
  });

  it("participantCountUpdates not-pushed: nothing arrives, getGroupCall still tells the count", async () => {
    bed.world.configure({ participantCountUpdates: "not-pushed" });
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);
    bed.world.joinGroupCall(call.id.toString(), [MAX]);
    const read = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 10 }));
    expect((read.call as Api.GroupCall).participantsCount).toBe(1);
    // Pushes precede later answers on the same connection: after that round trip none came.
    expect(updates.received.filter(isGroupCallUpdate)).toHaveLength(0);
  });

  it("with join_muted, joiners are muted unless they manage the call or come by the speaker link", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    await assistant.invoke(new Api.phone.ToggleGroupCallSettings({ call, joinMuted: true }));
    const worldCall = bed.world.getGroupCall(call.id.toString())!;
    bed.world.joinGroupCall(worldCall.id, [MAX, ADAM]);
    bed.world.joinGroupCall(worldCall.id, [SAM], Date.now(), callInviteHash(bed.world, worldCall, true));
    const read = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 10 }));
    const mutedOf = (id: number) =>
      read.participants.find((p) => (p.peer as Api.PeerUser).userId.toJSNumber() === id)?.muted === true;
    expect([mutedOf(MAX), mutedOf(ADAM), mutedOf(SAM)]).toEqual([true, false, false]);
  });

  it("ending the call sends everyone away", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    bed.world.joinGroupCall(call.id.toString(), [MAX]);
    await assistant.invoke(new Api.phone.DiscardGroupCall({ call }));
    expect(bed.world.getGroupCall(call.id.toString())?.participants.size).toBe(0);
  });
});
