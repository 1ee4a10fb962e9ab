import { DEMO, DEMO_CHATS, waitFor } from "@callbot/test-support";
import { Api } from "telegram";
import { returnBigInt } from "telegram/Helpers.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ActOnCall, inputCallOf } from "../src/calls/act-on-chat-call.ts";
import { runInCallControl } from "../src/calls/in-call-controls.ts";
import { inviteToCall } from "../src/calls/invite-to-call.ts";
import { readTelegramFailure } from "../src/calls/read-telegram-failure.ts";
import { findRecording, forwardRecording } from "../src/calls/recording-delivery.ts";
import { type InvokeTelegram, invokeWithTimeout } from "../src/telegram/invoke-with-timeout.ts";
import { nativeId } from "./support/call-actions.ts";
import { WorkerHarness } from "./support/worker-harness.ts";

const CHATS = { community: DEMO_CHATS.community, noRights: DEMO_CHATS.noRightsClub };
const OWNER_ID = DEMO.olga;
const USERBOT_ID = DEMO.assistant;

const COMMUNITY = nativeId(CHATS.community.chatId);
const SAM = 1005;

describe("in-call controls and invitations, run by the worker's Telegram code against the sandbox", () => {
  let h: WorkerHarness;
  let invoke: InvokeTelegram;
  let disconnect: () => Promise<void>;
  beforeEach(async () => {
    h = await WorkerHarness.start();
    const client = h.userbotClient();
    await client.connect();
    invoke = invokeWithTimeout(client, { timeoutMs: 5_000 });
    disconnect = () => client.destroy();
  });
  afterEach(async () => {
    await disconnect();
    await h.close();
  });

  const liveCall = (chat: number = COMMUNITY, by: number = USERBOT_ID) => {
    const call = h.sandbox.world.createGroupCall(by, chat, { randomId: 1, rtmp: false });
    return { world: call, ref: { id: call.id, accessHash: call.accessHash } };
  };
  /** The call named by its own reference only (no fallback to the chat's call). */
  const byRef =
    (ref: { id: string; accessHash: string }): ActOnCall =>
    (request) =>
      request(inputCallOf(ref));
  const inputPeer = (chat: number) =>
    new Api.InputPeerChannel({
      channelId: returnBigInt(chat),
      accessHash: returnBigInt(h.sandbox.world.accessHash("chat", chat, USERBOT_ID)),
    });
  const inputUser = (userId: number) =>
    new Api.InputUser({
      userId: returnBigInt(userId),
      accessHash: returnBigInt(h.sandbox.world.accessHash("user", userId, USERBOT_ID)),
    });

  it("records in portrait video, stops, finds the file in Saved Messages and forwards it to the chat", async () => {
    const call = liveCall();
    const since = Math.floor(Date.now() / 1000);
    const started = await runInCallControl(invoke, call.ref, {
      kind: "record-start",
      title: "Weekly",
      video: true,
      portrait: true,
    });
    expect(started).toMatchObject({ status: "done", call: { state: "active" } });
    expect(call.world.recording).toMatchObject({ video: true, portrait: true, title: "Weekly" });
    expect(
      await runInCallControl(invoke, call.ref, { kind: "record-start", video: false, portrait: false }),
    ).toEqual({ status: "skipped", reason: "already-recording" });

    expect(await runInCallControl(invoke, call.ref, { kind: "record-stop" })).toMatchObject({
      status: "done",
    });
    expect(await runInCallControl(invoke, call.ref, { kind: "record-stop" })).toEqual({
      status: "skipped",
      reason: "not-recording",
    });

    const recording = await waitFor(() => findRecording(invoke, since), "the recording in Saved Messages");
    const copyId = await forwardRecording(invoke, recording.id, inputPeer(COMMUNITY));
    const copy = h.sandbox.world.getMessage(CHATS.community.chatId, copyId!);
    expect(copy?.document).toMatchObject({ kind: "video", width: 720, height: 1280 });
    expect(copy?.forwardedFrom?.userId).toBe(USERBOT_ID);
  });

  it("mutes new participants once (again: skipped); reset-links makes the earlier speaker link invalid", async () => {
    const call = liveCall();
    expect(
      await runInCallControl(invoke, call.ref, { kind: "mute-new-participants", muted: true }),
    ).toMatchObject({
      status: "done",
    });
    expect(call.world.joinMuted).toBe(true);
    expect(await runInCallControl(invoke, call.ref, { kind: "mute-new-participants", muted: true })).toEqual({
      status: "skipped",
      reason: "already-set",
    });

    const first = await runInCallControl(invoke, call.ref, { kind: "speaker-link" });
    const firstLink = first.status === "done" ? (first.speakerLink ?? "") : "";
    expect(firstLink).toMatch(/^https:\/\/t\.me\/demo_community\?voicechat=/);
    const hash = new URL(firstLink).searchParams.get("voicechat")!;
    // A speaker joins unmuted by the link, although new participants join muted.
    h.sandbox.callParticipants(CHATS.community.chatId, { join: [SAM], inviteHash: hash });
    expect(call.world.participants.get(SAM)?.muted).toBe(false);

    await runInCallControl(invoke, call.ref, { kind: "reset-links" });
    expect(() =>
      h.sandbox.callParticipants(CHATS.community.chatId, { join: [1004], inviteHash: hash }),
    ).toThrow(/not a link of this call/);
    const second = await runInCallControl(invoke, call.ref, { kind: "speaker-link" });
    expect(second.status === "done" && second.speakerLink).not.toBe(firstLink);
  });

  it("the speaker link is refused where the assistant may not manage the call (CHAT_ADMIN_REQUIRED)", async () => {
    const call = liveCall(nativeId(CHATS.noRights.chatId), OWNER_ID);
    const refusal = await runInCallControl(invoke, call.ref, { kind: "speaker-link" }).catch(
      (error) => error,
    );
    expect(readTelegramFailure(refusal).errorName).toBe("CHAT_ADMIN_REQUIRED");
  });

  it("invites in batches: each user's outcome, a user outside the chat refused, batches halved when Telegram allows fewer", async () => {
    const world = h.sandbox.world;
    const guests = world.addGuestUsers(11);
    for (const id of guests) world.setRole(COMMUNITY, id, { status: "member" });
    const call = liveCall();
    const wanted = [SAM, ...guests, 1004];

    const attempts = await inviteToCall(invoke, byRef(call.ref), wanted.map(inputUser));
    expect(attempts.find((a) => a.userId === SAM)).toEqual({
      userId: SAM,
      outcome: "refused",
      errorName: "USER_NOT_PARTICIPANT",
    });
    expect(attempts.filter((a) => a.outcome === "invited").map((a) => a.userId)).toEqual([...guests, 1004]);
    expect([...call.world.invited].sort()).toEqual([...guests, 1004].sort());

    const again = await inviteToCall(invoke, byRef(call.ref), [inputUser(1004), inputUser(1002)]);
    expect(again).toEqual([
      { userId: 1004, outcome: "already-invited" },
      { userId: 1002, outcome: "invited" },
    ]);

    world.configure({ callInviteBatchLimit: 3 });
    const newcomers = world.addGuestUsers(7);
    for (const id of newcomers) world.setRole(COMMUNITY, id, { status: "member" });
    h.sandbox.resetCounters();
    const halved = await inviteToCall(invoke, byRef(call.ref), newcomers.map(inputUser));
    expect(halved.map((a) => a.outcome)).toEqual(Array(7).fill("invited"));
    // 7 refused, then 4 refused and 2 + 2, then 3: five requests.
    expect(h.mtprotoCount("phone.inviteToGroupCall")).toBe(5);
  });
});
