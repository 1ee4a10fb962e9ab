import type { WorldMessage } from "@callbot/sandbox";
import { DEMO, waitFor } from "@callbot/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buttonOf, pressLabelled } from "./support/buttons.ts";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/**
 * Issue 15's in-call controls through the whole pipeline: the /calls buttons of a live call and
 * the commands, pressed and typed by real users, carried out by the real worker in the sandbox's
 * Telegram. One pipeline and one live call in «Demo Community» for the whole file; the tests run
 * in order and build on each other (recording, then muting, links, invitations).
 */
describe("in-call controls: record, forward the recording, mute new participants, speaker link, reset links, invite", () => {
  let p: Pipeline;
  beforeAll(async () => {
    // A recording is looked for in Saved Messages soon after the stop, then every few hundred ms.
    p = await startPipeline({ worker: { forwardTiming: { firstLookMs: 100, attempts: 6, backoffMs: 200 } } });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Weekly");
    await p.outcome(reply, /live now/);
  });
  afterAll(async () => {
    await p?.close();
  });

  /** The community's live call as the sandbox's Telegram holds it. */
  const communityCall = () => {
    const call = p.sandbox.calls(DEMO.community).find((c) => c.state === "active");
    const held = call && p.sandbox.world.getGroupCall(call.id);
    if (!held) throw new Error("no live call in «Demo Community»");
    return held;
  };

  const button = buttonOf;
  const press = (from: number, message: WorldMessage, label: string) =>
    pressLabelled(p.sandbox, from, message, label);

  /** /calls in the community, once its list offers `label` (the registry follows the worker's results). */
  async function listWithButton(label: string): Promise<WorldMessage> {
    return waitFor(async () => {
      const { reply } = await p.ask(DEMO.olga, DEMO.community, "/calls");
      if (!button(reply, label))
        throw new Error(`/calls offers no ${label}: ${JSON.stringify(reply.replyMarkup)}`);
      return reply;
    }, `/calls offering ${label}`);
  }

  it("⏺ Record asks audio or video, records in portrait video; ⏹ Stop recording forwards the file to the chosen chat", async () => {
    // Where recordings go: a chat Olga controls (she owns «Demo Channel», where the assistant may post).
    const set = await p.ask(DEMO.olga, DEMO.community, "/recordings to @demo_channel");
    expect(set.reply.text).toContain("will be forwarded to «Demo Channel»");

    const list = await listWithButton("⏺ Record");
    expect((await press(DEMO.olga, list, "⏺ Record")).text).toMatch(/audio or video/);
    // The list's buttons make way for the choice (only the keyboard changes).
    const menu = await waitFor(() => {
      const shown = p.sandbox.world.getMessage(list.chatId, list.id);
      return shown && button(shown, "Video, portrait") ? shown : undefined;
    }, "the record choice");
    expect(button(menu, "Audio only")).toBeDefined();
    await press(DEMO.olga, menu, "Video, portrait");
    await waitFor(() => communityCall().recording, "the call being recorded");
    expect(communityCall().recording).toMatchObject({ video: true, portrait: true, title: "Weekly" });
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) => /⏺ Recording “Weekly”/.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });

    const recording = await listWithButton("⏹ Stop recording");
    await press(DEMO.olga, recording, "⏹ Stop recording");
    const stopped = await p.sandbox.waitForEdit(recording.chatId, recording.id, (m) =>
      /Stopped recording/.test(m.text ?? ""),
    );
    expect(stopped.text).toContain("I will forward it to «Demo Channel» when it arrives.");
    // The file lands in the channel, forwarded from the assistant's Saved Messages…
    const copy = await waitFor(
      () => p.sandbox.world.messages(DEMO.channel).find((m) => m.document !== undefined),
      "the recording in «Demo Channel»",
    );
    expect(copy.document).toMatchObject({ kind: "video", width: 720, height: 1280 });
    expect(copy.forwardedFrom?.userId).toBe(DEMO.assistant);
    // …and the one who stopped it is told where it went.
    const told = await p.sandbox.waitForBotMessage(DEMO.community, (m) => /📼/.test(m.text ?? ""), {
      timeoutMs: 10_000,
    });
    expect(told.text).toBe("📼 The recording of “Weekly” in «Demo Community» is now in «Demo Channel».");
  });

  it("/recordings refuses a destination the sender does not control, and a member cannot record", async () => {
    const { reply } = await p.ask(DEMO.adam, DEMO.community, "/recordings to @demo_channel");
    expect(reply.text).toContain("I forward recordings only to a chat you control");

    const list = await listWithButton("⏺ Record");
    p.sandbox.resetCounters();
    const answer = await press(DEMO.max, list, "⏺ Record");
    expect(answer.showAlert).toBe(true);
    expect(answer.text).toMatch(/Manage video chats/);
    const refused = await p.ask(DEMO.max, DEMO.community, "/record audio");
    expect(refused.reply.text).toBe(
      'Only the owner of «Demo Community» or its admins with the "Manage video chats" right can control its calls. Nothing was changed.',
    );
    expect(p.sandbox.counters().mtproto["phone.toggleGroupCallRecord"]).toBeUndefined();
  });

  it("🔇 Mute new participants, then /mutenew off lets them speak", async () => {
    const list = await listWithButton("🔇 Mute new participants");
    await press(DEMO.olga, list, "🔇 Mute new participants");
    await p.sandbox.waitForEdit(list.chatId, list.id, (m) =>
      /🔇 People who join “Weekly”/.test(m.text ?? ""),
    );
    expect(communityCall().joinMuted).toBe(true);
    // The list now offers the opposite.
    await listWithButton("🔊 Let new participants speak");

    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/mutenew off");
    expect(await p.outcome(reply, /🔊/)).toBe(
      "🔊 People who join “Weekly” in «Demo Community» may speak now.",
    );
    expect(communityCall().joinMuted).toBe(false);
  });

  it("the speaker link is refused to a non-admin, sent privately to an admin (never in the group), and ♻️ Reset links kills it", async () => {
    p.sandbox.resetCounters();
    const refused = await p.ask(DEMO.max, DEMO.community, "/speakerlink");
    expect(refused.reply.text).toBe(
      'Only the owner of «Demo Community» or its admins with the "Manage video chats" right get the speaker link: whoever holds it may speak in the call. I sent nothing.',
    );
    const list = await listWithButton("🎙 Speaker link");
    const alert = await press(DEMO.nina, list, "🎙 Speaker link");
    expect(alert.text).toContain("get the speaker link: whoever holds it may speak");
    expect(p.sandbox.counters().mtproto["phone.exportGroupCallInvite"]).toBeUndefined();
    expect(p.sandbox.botMessages(DEMO.max)).toEqual([]);

    await p.ask(DEMO.adam, DEMO.adam, "/start");
    const { reply } = await p.ask(DEMO.adam, DEMO.community, "/speakerlink");
    await p.outcome(reply, /is in our private chat/);
    const dm = await p.sandbox.waitForBotMessage(DEMO.adam, (m) => /voicechat=/.test(m.text ?? ""));
    const link = /(https:\/\/t\.me\/demo_community\?voicechat=\S+)/.exec(dm.text ?? "")?.[1] ?? "";
    expect(link).not.toBe("");
    for (const message of p.sandbox.world.messages(DEMO.community))
      expect([message.text ?? "", ...message.editHistory].join("\n")).not.toContain(link);
    const hash = new URL(link).searchParams.get("voicechat") ?? "";

    const reset = await listWithButton("♻️ Reset links");
    await press(DEMO.olga, reset, "♻️ Reset links");
    await p.sandbox.waitForEdit(reset.chatId, reset.id, (m) => /♻️ The links of “Weekly”/.test(m.text ?? ""));
    expect(() => p.sandbox.callParticipants(DEMO.community, { join: [DEMO.max], inviteHash: hash })).toThrow(
      /not a link of this call/,
    );
  });

  it("/invite reports each person: invited, not a member, no such user; a reply invites its author", async () => {
    const { reply } = await p.ask(
      DEMO.olga,
      DEMO.community,
      "/invite @max_member @sam_stranger @nobody_here",
    );
    const text = await p.outcome(reply, /👥/);
    expect(text).toBe(
      [
        "👥 Invitations to “Weekly” in «Demo Community»: 1 of 3 invited.",
        "@max_member: ✅ invited",
        "@sam_stranger: ❌ not a member of the chat, and Telegram invites only members",
        "@nobody_here: ❌ no Telegram user has that username",
      ].join("\n"),
    );
    expect([...communityCall().invited]).toEqual([DEMO.max]);

    // Telegram may instead leave a non-member out without an error (world setting callInviteOfNonMember).
    p.sandbox.world.configure({ callInviteOfNonMember: "skipped" });
    const again = await p.ask(DEMO.olga, DEMO.community, "/invite @sam_stranger");
    expect(await p.outcome(again.reply, /👥/)).toContain(
      "@sam_stranger: ❌ Telegram did not invite them (their privacy settings, or they are not a member)",
    );
    p.sandbox.world.configure({ callInviteOfNonMember: "refused" });

    // A reply names its author by the message: the assistant addresses her through it, no lookup.
    p.sandbox.resetCounters();
    const said = await p.sandbox.sendText({ from: DEMO.nina, chatId: DEMO.community, text: "count me in" });
    const sent = await p.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/invite",
      replyToMessageId: said.id,
    });
    const answer = await p.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
    expect(await p.outcome(answer, /👥/)).toContain(": ✅ invited");
    expect(communityCall().invited.has(DEMO.nina)).toBe(true);
    expect(p.sandbox.counters().mtproto["contacts.resolveUsername"]).toBeUndefined();
  });

  it("👥 Invite asks whom to invite: only the presser's answer counts, a bad one is asked again, the answer invites", async () => {
    const list = await listWithButton("👥 Invite");
    await press(DEMO.olga, list, "👥 Invite");
    const question = await p.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.replyToMessageId === list.id && /whom should I invite/.test(m.text ?? ""),
    );
    expect(question.text).toMatch(/^Olga, whom should I invite to “Weekly” in «Demo Community»\?/);
    expect(question.replyMarkup).toMatchObject({ force_reply: true, selective: true });

    const answer = async (from: number, to: WorldMessage, text: string) => {
      const sent = await p.sandbox.sendText({ from, chatId: DEMO.community, text, replyToMessageId: to.id });
      return p.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
    };
    // Adam may manage calls too, but he did not tap: his answer invites nobody.
    const stranger = await answer(DEMO.adam, question, "@adam_admin");
    expect(stranger.text).toContain("only their answer counts");
    // An answer that names nobody is explained, and the question asked again.
    const again = await answer(DEMO.olga, question, "adam please");
    expect(again.text).toMatch(/"adam" is not a username[\s\S]*Olga, whom should I invite/);
    const inviting = await answer(DEMO.olga, again, "@adam_admin");
    expect(inviting.text).toBe("⏳ Inviting @adam_admin to “Weekly” in «Demo Community»…");
    expect(await p.outcome(inviting, /👥/)).toContain("@adam_admin: ✅ invited");
    expect(communityCall().invited.has(DEMO.adam)).toBe(true);
  });

  it("ending a call while it records forwards its recording as a stop does, also when Telegram takes a while", async () => {
    // The file appears a second after the end: the worker's first looks find nothing and retry.
    p.sandbox.world.configure({ recordingDeliverySeconds: 1 });
    // /record alone asks, with the same choice as the button; the answer is edited with the outcome.
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/record");
    expect(reply.text).toBe("⏺ Record “Weekly” in «Demo Community»: audio only, or video?");
    await press(DEMO.olga, reply, "Audio only");
    expect(await p.outcome(reply, /⏺ Recording/)).toBe(
      "⏺ Recording “Weekly” in «Demo Community» (audio only). Stop it with ⏹ Stop recording in /calls, or /stoprecord.",
    );
    const list = await listWithButton("⏹ End");
    await press(DEMO.olga, list, "⏹ End");
    const audio = await waitFor(
      () => p.sandbox.world.messages(DEMO.channel).find((m) => m.document?.kind === "audio"),
      "the audio recording in «Demo Channel»",
    );
    expect(audio.forwardedFrom?.userId).toBe(DEMO.assistant);
  });
});
