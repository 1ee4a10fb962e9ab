import { Api } from "telegram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toBotApiMessage } from "../src/bot-api/bot-api-shapes.ts";
import { watchedAssistantWithCall } from "./support/gramjs-calls.ts";
import { inputPeerOf, rpcErrorOf } from "./support/gramjs-peers.ts";
import { DEMO, type GramjsTestbed, startGramjsTestbed } from "./support/gramjs-session.ts";

const COMMUNITY_BOT_API = -1001500000001;
const CHANNEL_BOT_API = -1001500000002;

describe("messages.forwardMessages of a recording from Saved Messages, with the real gramjs client", () => {
  let bed: GramjsTestbed;
  beforeEach(async () => {
    bed = await startGramjsTestbed();
  });
  afterEach(async () => {
    await bed.stop();
  });

  /** Records a short audio in Demo Community and answers the saved message's id. */
  async function recordingInSavedMessages() {
    const { assistant, updates, call } = await watchedAssistantWithCall(bed);
    await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: true, title: "Weekly" }));
    await assistant.invoke(new Api.phone.ToggleGroupCallRecord({ call, start: false }));
    const saved = await updates.waitFor(
      (u): u is Api.UpdateNewMessage => u instanceof Api.UpdateNewMessage && u.message instanceof Api.Message,
    );
    return { assistant, savedId: saved.message.id };
  }

  const forward = (assistant: Awaited<ReturnType<GramjsTestbed["connect"]>>, id: number, chat: number) =>
    assistant.invoke(
      new Api.messages.ForwardMessages({
        fromPeer: new Api.InputPeerSelf(),
        id: [id],
        toPeer: inputPeerOf(bed.world, chat),
      }),
    );

  it("a supergroup gets the audio with fwd_from; the bot sees audio and forward_origin", async () => {
    const { assistant, savedId } = await recordingInSavedMessages();
    const updates = (await forward(assistant, savedId, DEMO.community)) as Api.Updates;
    const posted = updates.updates.find((u) => u instanceof Api.UpdateNewChannelMessage)
      ?.message as Api.Message;
    expect(posted.media).toBeInstanceOf(Api.MessageMediaDocument);
    expect(String((posted.fwdFrom?.fromId as Api.PeerUser | undefined)?.userId)).toBe(String(DEMO.userbotId));

    const inChat = bed.world.messages(COMMUNITY_BOT_API).at(-1)!;
    const seenByBot = toBotApiMessage(bed.world, inChat);
    expect(seenByBot.audio).toMatchObject({ title: "Weekly", mime_type: "audio/ogg" });
    expect(seenByBot.forward_origin).toMatchObject({ type: "user", sender_user: { id: DEMO.userbotId } });
  });

  it("into a channel the copy is posted as the channel; without post rights CHAT_ADMIN_REQUIRED", async () => {
    const { assistant, savedId } = await recordingInSavedMessages();
    await forward(assistant, savedId, DEMO.channel);
    expect(bed.world.messages(CHANNEL_BOT_API).at(-1)).toMatchObject({ senderChatId: CHANNEL_BOT_API });
    bed.world.setRole(DEMO.channel, DEMO.userbotId, { status: "admin", rights: { manageCall: true } });
    expect(await rpcErrorOf(forward(assistant, savedId, DEMO.channel))).toEqual({
      code: 400,
      errorMessage: "CHAT_ADMIN_REQUIRED",
    });
  });

  it("refusals: an unknown message MESSAGE_ID_INVALID; a private chat the assistant is not in CHANNEL_PRIVATE", async () => {
    const { assistant, savedId } = await recordingInSavedMessages();
    expect(await rpcErrorOf(forward(assistant, savedId + 1, DEMO.community))).toEqual({
      code: 400,
      errorMessage: "MESSAGE_ID_INVALID",
    });
    expect(await rpcErrorOf(forward(assistant, savedId, DEMO.lockedRoom))).toEqual({
      code: 400,
      errorMessage: "CHANNEL_PRIVATE",
    });
    expect(bed.world.messages(COMMUNITY_BOT_API).some((m) => m.document !== undefined)).toBe(false);
  });
});
