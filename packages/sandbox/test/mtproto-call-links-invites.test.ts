import { Api } from "telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inviteHashKind } from "../src/world/group-call-controls.ts";
import { inputUserOf, liveCall } from "./support/gramjs-calls.ts";
import { groupCallIn, inputCallOf, rpcErrorOf, serviceMessageIn } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

const ADAM = 1002;
const NINA = 1003;
const MAX = 1004;
const SAM = 1005;

describe("join_muted, invite links and invitations of a live call, with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  const hashOf = (link: string) => new URL(link).search.split("=")[1] ?? "";

  it("toggleGroupCallSettings join_muted sets the flag; the same value again is GROUPCALL_NOT_MODIFIED", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    const muted = groupCallIn(
      await assistant.invoke(new Api.phone.ToggleGroupCallSettings({ call, joinMuted: true })),
    ) as Api.GroupCall;
    expect(muted.joinMuted).toBe(true);
    expect(muted.canChangeJoinMuted).toBe(true);
    expect(
      await rpcErrorOf(assistant.invoke(new Api.phone.ToggleGroupCallSettings({ call, joinMuted: true }))),
    ).toEqual({ code: 400, errorMessage: "GROUPCALL_NOT_MODIFIED" });
    const read = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 1 }));
    expect((read.call as Api.GroupCall).joinMuted).toBe(true);
  });

  it("without manage_call: can_change_join_muted is false and toggleGroupCallSettings is CHAT_ADMIN_REQUIRED", async () => {
    const assistant = await bed.connect();
    const olga = await bed.connect("olga_owner");
    const call = await liveCall(olga, bed.world, DEMO.noRightsClub, DEMO.ownerId);
    const seen = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 1 }));
    expect((seen.call as Api.GroupCall).canChangeJoinMuted).toBeFalsy();
    expect(
      await rpcErrorOf(assistant.invoke(new Api.phone.ToggleGroupCallSettings({ call, joinMuted: true }))),
    ).toEqual({ code: 400, errorMessage: "CHAT_ADMIN_REQUIRED" });
    expect(
      await rpcErrorOf(
        assistant.invoke(new Api.phone.ToggleGroupCallSettings({ call, resetInviteHash: true })),
      ),
    ).toEqual({ code: 400, errorMessage: "CHAT_ADMIN_REQUIRED" });
    expect(bed.world.getGroupCall(call.id.toString())?.joinMuted).toBe(false);
  });

  it("can_self_unmute gives a distinct ?voicechat= speaker link; a non-admin gets the listener link only", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    const plain = await assistant.invoke(new Api.phone.ExportGroupCallInvite({ call }));
    const speaker = await assistant.invoke(
      new Api.phone.ExportGroupCallInvite({ call, canSelfUnmute: true }),
    );
    expect(plain.link).toMatch(/^https:\/\/t\.me\/demo_community\?videochat=\w+/);
    expect(speaker.link).toMatch(/^https:\/\/t\.me\/demo_community\?voicechat=[\w-]+$/);
    expect(hashOf(speaker.link)).not.toBe(hashOf(plain.link));
    expect(bed.world.secretsHandedOut()).toContain(hashOf(speaker.link));

    const olga = await bed.connect("olga_owner");
    const noRights = await liveCall(olga, bed.world, DEMO.noRightsClub, DEMO.ownerId);
    expect(
      await rpcErrorOf(
        assistant.invoke(new Api.phone.ExportGroupCallInvite({ call: noRights, canSelfUnmute: true })),
      ),
    ).toEqual({ code: 400, errorMessage: "CHAT_ADMIN_REQUIRED" });
    const memberLink = await assistant.invoke(new Api.phone.ExportGroupCallInvite({ call: noRights }));
    expect(memberLink.link).toMatch(/^https:\/\/t\.me\/no_rights_club\?videochat=/);

    const privateCall = await liveCall(assistant, bed.world, DEMO.privateTeam);
    expect(
      await rpcErrorOf(
        assistant.invoke(new Api.phone.ExportGroupCallInvite({ call: privateCall, canSelfUnmute: true })),
      ),
    ).toEqual({ code: 403, errorMessage: "PUBLIC_CHANNEL_MISSING" });
  });

  it("reset_invite_hash makes every earlier link of the call invalid and hands out new ones", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    const world = bed.world;
    const worldCall = world.getGroupCall(call.id.toString())!;
    const oldSpeaker = hashOf(
      (await assistant.invoke(new Api.phone.ExportGroupCallInvite({ call, canSelfUnmute: true }))).link,
    );
    const oldListener = hashOf((await assistant.invoke(new Api.phone.ExportGroupCallInvite({ call }))).link);
    expect(inviteHashKind(world, worldCall, oldSpeaker)).toBe("speaker");
    expect(inviteHashKind(world, worldCall, oldListener)).toBe("listener");

    const reset = groupCallIn(
      await assistant.invoke(new Api.phone.ToggleGroupCallSettings({ call, resetInviteHash: true })),
    ) as Api.GroupCall;
    expect(reset.joinMuted).toBeFalsy();
    expect(inviteHashKind(world, worldCall, oldSpeaker)).toBeUndefined();
    expect(inviteHashKind(world, worldCall, oldListener)).toBeUndefined();
    const newSpeaker = hashOf(
      (await assistant.invoke(new Api.phone.ExportGroupCallInvite({ call, canSelfUnmute: true }))).link,
    );
    expect(newSpeaker).not.toBe(oldSpeaker);
    expect(inviteHashKind(world, worldCall, newSpeaker)).toBe("speaker");
  });

  it("inviteToGroupCall posts messageActionInviteToGroupCall with the users; inviting one again is USER_ALREADY_INVITED", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    const users = [inputUserOf(bed.world, ADAM), inputUserOf(bed.world, MAX)];
    const updates = await assistant.invoke(new Api.phone.InviteToGroupCall({ call, users }));
    const action = serviceMessageIn(updates)?.action;
    expect(action).toBeInstanceOf(Api.MessageActionInviteToGroupCall);
    expect((action as Api.MessageActionInviteToGroupCall).users.map((id) => id.toJSNumber())).toEqual([
      ADAM,
      MAX,
    ]);
    expect(groupCallIn(updates).id.toString()).toBe(call.id.toString());
    const botApiService = bed.world.messages(-1001500000001).at(-1)?.service;
    expect(botApiService).toEqual({ kind: "video_chat_participants_invited", userIds: [ADAM, MAX] });

    expect(
      await rpcErrorOf(
        assistant.invoke(
          new Api.phone.InviteToGroupCall({ call, users: [inputUserOf(bed.world, NINA), users[1]!] }),
        ),
      ),
    ).toEqual({ code: 400, errorMessage: "USER_ALREADY_INVITED" });
  });

  it("a user outside the chat: USER_NOT_PARTICIPANT (callInviteOfNonMember refused), or left out (skipped)", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    const invite = (ids: number[]) =>
      assistant.invoke(
        new Api.phone.InviteToGroupCall({ call, users: ids.map((id) => inputUserOf(bed.world, id)) }),
      );
    expect(await rpcErrorOf(invite([SAM, NINA]))).toEqual({
      code: 403,
      errorMessage: "USER_NOT_PARTICIPANT",
    });
    expect(bed.world.getGroupCall(call.id.toString())?.invited.size).toBe(0);

    bed.world.configure({ callInviteOfNonMember: "skipped" });
    const action = serviceMessageIn(await invite([SAM, NINA]))?.action as Api.MessageActionInviteToGroupCall;
    expect(action.users.map((id) => id.toJSNumber())).toEqual([NINA]);
    const nobody = await invite([SAM]);
    expect(serviceMessageIn(nobody)).toBeUndefined();
    expect(groupCallIn(nobody).id.toString()).toBe(call.id.toString());
  });

  it("more users than callInviteBatchLimit at once: USERS_TOO_MUCH; a caller outside the chat: USER_NOT_PARTICIPANT", async () => {
    const assistant = await bed.connect();
    const call = await liveCall(assistant, bed.world, DEMO.community);
    bed.world.configure({ callInviteBatchLimit: 2 });
    const three = [ADAM, NINA, MAX].map((id) => inputUserOf(bed.world, id));
    expect(
      await rpcErrorOf(assistant.invoke(new Api.phone.InviteToGroupCall({ call, users: three }))),
    ).toEqual({
      code: 400,
      errorMessage: "USERS_TOO_MUCH",
    });
    await assistant.invoke(new Api.phone.InviteToGroupCall({ call, users: three.slice(0, 2) }));

    // Locked Room: Sam's call; the assistant is not a member.
    const locked = bed.world.createGroupCall(SAM, DEMO.lockedRoom, { randomId: 1, rtmp: false });
    const lockedCall = inputCallOf(locked);
    expect(
      await rpcErrorOf(
        assistant.invoke(
          new Api.phone.InviteToGroupCall({ call: lockedCall, users: [inputUserOf(bed.world, ADAM)] }),
        ),
      ),
    ).toEqual({ code: 403, errorMessage: "USER_NOT_PARTICIPANT" });
  });
});
