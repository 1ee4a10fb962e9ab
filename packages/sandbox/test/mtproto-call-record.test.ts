import { Api } from "telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RECORDING_SAVED_TO_VALUES } from "../src/index.ts";
import { liveCall, watchedAssistantWithCall } from "./support/gramjs-calls.ts";
import { groupCallIn, inputCallOf, inputPeerOf, rpcErrorOf } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";
import { UpdateRecorder } from "./support/gramjs-updates.ts";

const isSavedMessage = (u: Api.TypeUpdate): u is Api.UpdateNewMessage =>
  u instanceof Api.UpdateNewMessage && u.message instanceof Api.Message && u.message.media !== undefined;

function documentOf(update: Api.UpdateNewMessage): Api.Document {
  const media = (update.message as Api.Message).media;
  if (!(media instanceof Api.MessageMediaDocument) || !(media.document instanceof Api.Document)) {
    throw new Error("the saved message carries no document");
  }
  return media.document;
}

describe("phone.toggleGroupCallRecord with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  it("start sets record_start_date; stop clears it and the audio file lands in the assistant's Saved Messages", async () => {
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);

    const started = groupCallIn(
      await assistant.invoke(
        new Api.phone.ToggleGroupCallRecord({ call, start: true, title: "Standup notes" }),
      ),
    ) as Api.GroupCall;
    expect(started.recordStartDate).toBeGreaterThan(0);
    expect(started.recordVideoActive).toBeFalsy();
    const read = await assistant.invoke(new Api.phone.GetGroupCall({ call, limit: 1 }));
    expect((read.call as Api.GroupCall).recordStartDate).toBe(started.recordStartDate);

    const stopped = groupCallIn(
      await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: false })),
    ) as Api.GroupCall;
    expect(stopped.recordStartDate).toBeFalsy();

    const saved = await updates.waitFor(isSavedMessage);
    expect((saved.message as Api.Message).out).toBe(true);
    expect(((saved.message as Api.Message).peerId as Api.PeerUser).userId.toJSNumber()).toBe(DEMO.userbotId);
    const document = documentOf(saved);
    expect(document.mimeType).toBe("audio/ogg");
    const audio = document.attributes.find((a) => a instanceof Api.DocumentAttributeAudio);
    expect((audio as Api.DocumentAttributeAudio).title).toBe("Standup notes");

    const history = (await assistant.invoke(
      new Api.messages.GetHistory({ peer: new Api.InputPeerSelf(), limit: 10 }),
    )) as Api.messages.Messages;
    expect(history.messages.map((m) => m.id)).toEqual([saved.message.id]);
    expect(bed.world.saved.of(DEMO.ownerId)).toHaveLength(0);
  });

  it("a portrait video recording sets record_video_active and becomes a 720x1280 video", async () => {
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);

    const started = groupCallIn(
      await assistant.invoke(
        new Api.phone.ToggleGroupCallRecord({ call, start: true, video: true, videoPortrait: true }),
      ),
    ) as Api.GroupCall;
    expect(started.recordVideoActive).toBe(true);
    await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: false }));

    const saved = await updates.waitFor(isSavedMessage);
    const media = (saved.message as Api.Message).media as Api.MessageMediaDocument;
    expect(media.video).toBe(true);
    const video = documentOf(saved).attributes.find((a) => a instanceof Api.DocumentAttributeVideo);
    expect(video).toMatchObject({ w: 720, h: 1280 });
  });

  it("ending the call while it records delivers the recording too", async () => {
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);
    // video and video_portrait share flags.2: gramjs writes a broken request without videoPortrait.
    await assistant.invoke(
      new Api.phone.ToggleGroupCallRecord({ call, start: true, video: true, videoPortrait: false }),
    );
    await assistant.invoke(new Api.phone.DiscardGroupCall({ call }));
    const video = documentOf(await updates.waitFor(isSavedMessage)).attributes.find(
      (a) => a instanceof Api.DocumentAttributeVideo,
    );
    expect(video).toMatchObject({ w: 1280, h: 720 });
  });

  // Undocumented: the stopper's Saved Messages (what the official apps tell the stopper), or the
  // starter's (world setting recordingSavedTo).
  it.each(RECORDING_SAVED_TO_VALUES)(
    "a recording one admin started and another stopped goes to the %s's Saved Messages",
    async (recordingSavedTo) => {
      bed.world.configure({ recordingSavedTo });
      const assistant = await bed.connect();
      const assistantUpdates = new UpdateRecorder(assistant);
      const olga = await bed.connect("olga_owner");
      const olgaUpdates = new UpdateRecorder(olga);
      await Promise.all([olga.getMe(), assistant.getMe()]);
      const call = await liveCall(olga, bed.world, DEMO.community, DEMO.ownerId);
      await olga.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: true }));
      await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: false }));
      const [saver, other] =
        recordingSavedTo === "starter" ? [DEMO.ownerId, DEMO.userbotId] : [DEMO.userbotId, DEMO.ownerId];
      await (recordingSavedTo === "starter" ? olgaUpdates : assistantUpdates).waitFor(isSavedMessage);
      expect(bed.world.saved.of(saver)).toHaveLength(1);
      expect(bed.world.saved.of(other)).toHaveLength(0);
    },
  );

  it("refusals: twice GROUPCALL_NOT_MODIFIED; no manage_call CHAT_ADMIN_REQUIRED; scheduled or ended GROUPCALL_FORBIDDEN", async () => {
    const assistant = await bed.connect();
    const olga = await bed.connect("olga_owner");
    const call = await liveCall(assistant, bed.world, DEMO.community);
    const record = (start: boolean, c = call, client = assistant) =>
      client.invoke(new Api.phone.ToggleGroupCallRecord({ call: c, start }));

    expect(await rpcErrorOf(record(false))).toEqual({ code: 400, errorMessage: "GROUPCALL_NOT_MODIFIED" });
    await record(true);
    expect(await rpcErrorOf(record(true))).toEqual({ code: 400, errorMessage: "GROUPCALL_NOT_MODIFIED" });

    // No Rights Club: the assistant is an admin without manage_call; Olga (owner) runs the call.
    const noRights = await liveCall(olga, bed.world, DEMO.noRightsClub, DEMO.ownerId);
    expect(await rpcErrorOf(record(true, noRights))).toEqual({
      code: 400,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
    expect(bed.world.getGroupCall(noRights.id.toString())?.recording).toBeUndefined();

    const scheduled = inputCallOf(
      groupCallIn(
        await assistant.invoke(
          new Api.phone.CreateGroupCall({
            peer: inputPeerOf(bed.world, DEMO.privateTeam),
            randomId: 7,
            scheduleDate: Math.floor(Date.now() / 1000) + 600,
          }),
        ),
      ),
    );
    expect(await rpcErrorOf(record(true, scheduled))).toEqual({
      code: 403,
      errorMessage: "GROUPCALL_FORBIDDEN",
    });
    await assistant.invoke(new Api.phone.DiscardGroupCall({ call: scheduled }));
    expect(await rpcErrorOf(record(true, scheduled))).toEqual({
      code: 403,
      errorMessage: "GROUPCALL_FORBIDDEN",
    });
  });

  it("the file arrives recordingDeliverySeconds after the stop, not in the answer", async () => {
    bed.world.configure({ recordingDeliverySeconds: 0.3 });
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);
    await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: true }));
    const stoppedAt = Date.now();
    const answer = await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: false }));
    expect((answer as Api.Updates).updates.some((u) => u instanceof Api.UpdateNewMessage)).toBe(false);
    expect(bed.world.saved.of(DEMO.userbotId)).toHaveLength(0);
    await updates.waitFor(isSavedMessage);
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(250);
  });
});
