import type { WorldMessage } from "@callbot/sandbox";
import {
  type CallActionOutcome,
  type CallActionRequest,
  type CreateCallRequest,
  type CreateCallResult,
  QUEUE_NAMES,
  type ResultsMessage,
  writeWorkerStatus,
} from "@callbot/shared";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { type Job, Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CallsRegistry } from "../src/calls-registry/calls-registry.ts";
import { systemClock } from "../src/clock.ts";
import { type Harness, startHarness } from "./support/harness.ts";

/**
 * /calls and its buttons against the sandbox and a real Redis, with no worker: the test reads the
 * jobs the bot queues and puts the worker's results on the results queue itself.
 */
describe("/calls: list, buttons, refusals", () => {
  let h: Harness;
  let inspector: Redis;
  let calls: Queue;

  beforeEach(async () => {
    h = await startHarness();
    inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: h.prefix });
  });
  afterEach(async () => {
    await calls.close();
    await inspector.quit();
    await h.close();
  });

  async function jobs(): Promise<Job[]> {
    return calls.getJobs(["waiting", "active", "delayed", "completed", "failed", "prioritized"]);
  }
  async function actionJobs(): Promise<Job<CallActionRequest>[]> {
    return (await jobs()).filter((job) => job.name === "call-action");
  }

  /** A real /newcall, so there is a real "queued" answer; returns its job data. */
  async function newcall(from: number, chatId: number, text: string) {
    const sent = await h.sandbox.sendText({ from, chatId, text });
    const ack = await h.sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
    expect(ack.text).toContain("Queued");
    const request = await waitFor(
      async () =>
        (await h.callJobs()).find((job) => job.ack?.messageId === ack.id && job.requester.chatId === chatId),
      "the request's job",
    );
    return { request, ack };
  }

  /** As the worker would: the create-call job is done and the call exists in Telegram (the sandbox). */
  async function created(request: CreateCallRequest, ack: WorldMessage) {
    const chat = h.sandbox.world.chatByBotApiId(request.target.chatId)!;
    const call = h.sandbox.world.createGroupCall(DEMO.olga, chat.id, {
      randomId: 7,
      rtmp: request.rtmp,
      ...(request.title !== undefined && { title: request.title }),
      ...(request.scheduleDate !== undefined && { scheduleDate: request.scheduleDate }),
    });
    await (await calls.getJob(request.requestId))?.remove();
    const result: CreateCallResult = {
      v: 1,
      kind: "create-call",
      request,
      outcome: {
        status: "created",
        call: {
          id: call.id,
          accessHash: call.accessHash,
          rtmp: call.rtmp,
          ...(call.title !== undefined && { title: call.title }),
          ...(call.scheduleDate !== undefined && { scheduleDate: call.scheduleDate }),
        },
      },
      finishedAt: Date.now(),
    };
    await h.putResult(result);
    await h.sandbox.waitForEdit(ack.chatId, ack.id, (m) => m.text?.startsWith("✅") ?? false);
    return call;
  }

  async function putActionResult(request: CallActionRequest, outcome: CallActionOutcome) {
    await h.putResult({
      v: 1,
      kind: "call-action",
      request,
      outcome,
      finishedAt: Date.now(),
    } as unknown as ResultsMessage);
  }

  /** Sends /calls and returns the bot's list message. */
  async function list(from: number, chatId: number): Promise<WorldMessage> {
    const sent = await h.sandbox.sendText({ from, chatId, text: "/calls" });
    return h.sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
  }

  function buttons(message: WorldMessage): Array<{ text: string; data: string }> {
    const keyboard = (
      message.replyMarkup as { inline_keyboard?: Array<Array<{ text: string; callback_data: string }>> }
    )?.inline_keyboard;
    return (keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data }));
  }
  /** Presses the button labelled `label` on a bot message, as `from`, in the message's chat. */
  function pressOn(from: number, message: WorldMessage, label: string) {
    return h.sandbox.pressButton({
      from,
      chatId: message.chatId,
      messageId: message.id,
      data: button(message, label),
    });
  }

  /** The first call-action job, once the bot has queued one. */
  async function nextActionJob(): Promise<Job<CallActionRequest>> {
    const [job] = await waitFor(async () => {
      const jobs = await actionJobs();
      return jobs.length > 0 ? jobs : undefined;
    }, "a call-action job");
    return job!;
  }

  function button(message: WorldMessage, label: string): string {
    const found = buttons(message).find((b) => b.text.includes(label));
    if (!found) throw new Error(`no "${label}" button; buttons: ${JSON.stringify(buttons(message))}`);
    return found.data;
  }

  it("in a group: a scheduled call with its zone, and Start now / Cancel / Invite link (no RTMP key)", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Weekly sync in 2h");
    await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.community);
    expect(listed.text).toContain("Calls in «Demo Community»");
    expect(listed.text).toMatch(
      /Video chat “Weekly sync”\n {3}🗓 scheduled for .+ \(Europe\/Berlin, UTC\+0[12]:00\), in (?:2 h|1 h 59 min)/,
    );
    expect(buttons(listed).map((b) => b.text)).toEqual([
      "1. ▶️ Start now",
      "1. ✖️ Cancel",
      "1. 🔗 Invite link",
    ]);
    for (const b of buttons(listed)) expect(Buffer.byteLength(b.data)).toBeLessThanOrEqual(64);
  });

  it("checklist 28: while the assistant's session is dead, a button and /rename are answered at once that it is offline, and nothing is queued", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Weekly sync in 2h");
    await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.community);
    await writeWorkerStatus(inspector, h.prefix, {
      v: 1,
      state: "session-dead",
      errorName: "AUTH_KEY_UNREGISTERED",
      updatedAt: Date.now(),
    });

    const pressed = await pressOn(DEMO.olga, listed, "Start now");
    const answer = await pressed.answer;
    expect(answer.text).toMatch(/assistant account is offline.*operators have been told/);
    expect(answer.showAlert).toBe(true);

    const command = await h.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/rename New name",
    });
    const reply = await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === command.id);
    const edited = await h.sandbox.waitForEdit(DEMO.community, reply.id, (m) => /offline/.test(m.text ?? ""));
    expect(edited.text).toMatch(/^⚠️ The assistant account is offline.*Nothing was queued/s);
    expect(await actionJobs()).toEqual([]);
  });

  it("Start now: answered at once, one job even when pressed twice, the result redraws the list as live", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Weekly sync in 2h");
    const call = await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.community);
    const data = button(listed, "Start now");
    const [first, second] = await Promise.all([
      h.sandbox.pressButton({ from: DEMO.olga, chatId: DEMO.community, messageId: listed.id, data }),
      h.sandbox.pressButton({ from: DEMO.olga, chatId: DEMO.community, messageId: listed.id, data }),
    ]);
    const answers = await Promise.all([first.answer, second.answer]);
    expect(answers.map((a) => a.text).sort()).toEqual(["Already on it…", "Starting…"]);
    const queued = await waitFor(async () => {
      const found = await actionJobs();
      return found.length > 0 ? found : undefined;
    }, "a call-action job");
    expect(queued).toHaveLength(1);
    const job = queued[0]!;
    expect(job.data).toMatchObject({
      action: "start",
      call: { id: call.id, accessHash: call.accessHash },
      requester: { userId: DEMO.olga, chatId: DEMO.community },
      ack: { chatId: DEMO.community, messageId: listed.id },
      target: { chatId: DEMO.community, title: "Demo Community", username: "demo_community" },
    });
    expect(job.id).toBe(job.data.requestId);

    // A third press after the first was handled is still one job: the id is the idempotency key.
    const third = await h.sandbox.pressButton({
      from: DEMO.olga,
      chatId: DEMO.community,
      messageId: listed.id,
      data,
    });
    expect((await third.answer).text).toBe("Already on it…");
    expect(await actionJobs()).toHaveLength(1);

    await putActionResult(job.data, {
      status: "done",
      call: { id: call.id, accessHash: call.accessHash, state: "active", title: "Weekly sync", rtmp: false },
    });
    const redrawn = await h.sandbox.waitForEdit(
      DEMO.community,
      listed.id,
      (m) => m.text?.includes("live now") ?? false,
    );
    expect(redrawn.text).toContain("▶️ “Weekly sync” is live now in «Demo Community».");
    expect(redrawn.text).toContain("🔴 live since");
    expect(buttons(redrawn).map((b) => b.text)).toEqual([
      "1. ⏹ End",
      "1. 🔗 Invite link",
      // A live call's in-call controls.
      "1. ⏺ Record",
      "1. 🔇 Mute new participants",
      "1. 🎙 Speaker link",
      "1. ♻️ Reset links",
      "1. 👥 Invite",
    ]);
  });

  it("End on a live call and Cancel on a scheduled one both queue one discard", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Town hall");
    const call = await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.community);
    expect(listed.text).toContain("🔴 live");
    const press = await pressOn(DEMO.olga, listed, "End");
    expect((await press.answer).text).toBe("Ending…");
    const job = await nextActionJob();
    expect(job.data.action).toBe("end");
    await putActionResult(job.data, {
      status: "done",
      call: { id: call.id, accessHash: call.accessHash, state: "discarded", rtmp: false },
    });
    const redrawn = await h.sandbox.waitForEdit(
      DEMO.community,
      listed.id,
      (m) => m.text?.includes("has ended") ?? false,
    );
    expect(redrawn.text).toContain("⏹ “Town hall” in «Demo Community» has ended.");
    expect(redrawn.text).toContain("⏹ ended");
    expect(buttons(redrawn)).toEqual([]);
  });

  it("Cancel on a scheduled call queues a discard and reports it as cancelled", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.privateTeam, "/newcall Retro tomorrow 10:00");
    const call = await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.privateTeam);
    // Private Team has no username: no invite link.
    expect(buttons(listed).map((b) => b.text)).toEqual(["1. ▶️ Start now", "1. ✖️ Cancel"]);
    const press = await pressOn(DEMO.olga, listed, "Cancel");
    expect((await press.answer).text).toBe("Cancelling…");
    const job = await nextActionJob();
    expect(job.data.action).toBe("end");
    await putActionResult(job.data, {
      status: "done",
      call: { id: call.id, accessHash: call.accessHash, state: "discarded", rtmp: false },
    });
    const redrawn = await h.sandbox.waitForEdit(
      DEMO.privateTeam,
      listed.id,
      (m) => m.text?.includes("cancelled") ?? false,
    );
    expect(redrawn.text).toContain("✖️ “Retro” in «Private Team» was cancelled.");
  });

  it("Cancel on a queued request removes the job before it runs and edits its answer", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Standup in 1h");
    const listed = await list(DEMO.olga, DEMO.community);
    expect(listed.text).toContain("⏳ queued, to be scheduled for");
    const press = await pressOn(DEMO.olga, listed, "Cancel");
    expect((await press.answer).text).toBe("Cancelled.");
    expect(await calls.getJob(request.requestId)).toBeUndefined();
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      ack.id,
      (m) => m.text?.includes("Cancelled") ?? false,
    );
    expect(edited.text).toBe("🚫 Cancelled by Olga before it ran. Nothing was created.");
    const redrawn = await h.sandbox.waitForEdit(
      DEMO.community,
      listed.id,
      (m) => m.text?.includes("🚫") ?? false,
    );
    expect(redrawn.text).toContain("none right now");
  });

  it("Invite link: the worker's link is shown on the list", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Open house");
    await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.community);
    const press = await pressOn(DEMO.olga, listed, "Invite link");
    expect((await press.answer).text).toBe("Getting the invite link…");
    const job = await nextActionJob();
    expect(job.data.action).toBe("invite-link");
    await putActionResult(job.data, {
      status: "done",
      inviteLink: "https://t.me/demo_community?videochat=abc",
    });
    const redrawn = await h.sandbox.waitForEdit(
      DEMO.community,
      listed.id,
      (m) => m.text?.includes("🔗") ?? false,
    );
    expect(redrawn.text).toContain(
      "🔗 Invite link for “Open house” in «Demo Community»: https://t.me/demo_community?videochat=abc",
    );
  });

  it("a member gets a refusal for /calls and for a button; nothing is queued", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Sync in 3h");
    await created(request, ack);
    const refused = await list(DEMO.max, DEMO.community);
    expect(refused.text).toContain("Only the owner of «Demo Community» or its admins");
    expect(buttons(refused)).toEqual([]);

    const listed = await list(DEMO.olga, DEMO.community);
    const press = await pressOn(DEMO.max, listed, "Start now");
    const answer = await press.answer;
    expect(answer.showAlert).toBe(true);
    expect(answer.text).toContain("Only the owner of «Demo Community»");
    expect(await actionJobs()).toHaveLength(0);
  });

  it("rights revoked after /calls: the press is refused with an alert and nothing is queued", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Sync in 3h");
    await created(request, ack);
    const listed = await list(DEMO.adam, DEMO.community); // Adam's rights are now cached for a minute
    expect(listed.text).toContain("Sync");
    h.sandbox.setRole(DEMO.community, DEMO.adam, { status: "admin", rights: { manageCall: false } });
    const press = await pressOn(DEMO.adam, listed, "Cancel");
    const answer = await press.answer;
    expect(answer.showAlert).toBe(true);
    expect(answer.text).toContain("Nothing was changed");
    expect(await actionJobs()).toHaveLength(0);
  });

  it("in private: only the chats the user manages; RTMP key only there, and the key only in private", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Community call in 2h");
    await created(request, ack);
    const channel = await newcall(DEMO.olga, DEMO.olga, "/newcall @demo_channel Launch stream in 3h rtmp");
    const stream = await created(channel.request, channel.ack);

    const adams = await list(DEMO.adam, DEMO.adam);
    expect(adams.text).toContain("Calls in the chats you manage");
    expect(adams.text).toContain("«Demo Community»");
    expect(adams.text).not.toContain("Demo Channel");

    const olgas = await list(DEMO.olga, DEMO.olga);
    expect(olgas.text).toContain("«Demo Community»");
    expect(olgas.text).toContain("Livestream “Launch stream” in «Demo Channel»");
    const press = await pressOn(DEMO.olga, olgas, "RTMP key");
    expect((await press.answer).text).toBe("Getting the stream key…");
    const job = await nextActionJob();
    expect(job.data).toMatchObject({ action: "rtmp-credentials", call: { id: stream.id } });
    await putActionResult(job.data, {
      status: "done",
      rtmpCredentials: { url: "rtmps://dc4-1.rtmp.t.me/s/", key: "1500000002:SeCrEtKeY" },
    });
    const keyMessage = await h.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => m.text?.includes("Stream key:") ?? false,
    );
    expect(keyMessage.text).toContain("Stream key: 1500000002:SeCrEtKeY");
    await h.sandbox.waitForEdit(DEMO.olga, olgas.id, (m) => m.text?.includes("(sent below)") ?? false);
    // The group and channel lists never offer the key, and it never reached them.
    const inChannel = h.sandbox.world.messages(DEMO.channel).flatMap((m) => [m.text ?? "", ...m.editHistory]);
    expect(inChannel.join("\n")).not.toContain("SeCrEtKeY");
    const groupList = await list(DEMO.olga, DEMO.community);
    expect(buttons(groupList).some((b) => b.text.includes("RTMP"))).toBe(false);
  });

  it("in private: a chat the user manages is listed behind 60 more recently active chats, at one admin-list look-up per chat for everyone", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Still listed in 2h");
    await created(request, ack);
    // Sixty chats (unknown to this sandbox) became active since: the old 50-chat window missed Demo Community.
    const registry = new CallsRegistry(inspector, h.prefix, systemClock);
    for (let n = 1; n <= 60; n++) {
      await registry.create({
        chatId: -1009900000000 - n,
        chatTitle: `Busy ${n}`,
        state: "live",
        rtmp: false,
        autostart: false,
      });
    }
    h.sandbox.resetCounters();

    const adams = await list(DEMO.adam, DEMO.adam);
    expect(adams.text).toContain("Video chat “Still listed”");
    expect(adams.text).toContain("«Demo Community»");
    const lookups = h.sandbox.counters().botApi.getChatAdministrators ?? 0;
    expect(lookups).toBeLessThanOrEqual(61);
    // A stranger's /calls right after costs no look-up: the lists are shared by everyone.
    const sams = await list(DEMO.sam, DEMO.sam);
    expect(sams.text).not.toContain("Demo Community");
    expect(h.sandbox.counters().botApi.getChatAdministrators ?? 0).toBe(lookups);
  });

  it("the RTMP key is the owner's: an admin's press is refused, and a forged key press on a video chat queues nothing", async () => {
    const stream = await newcall(DEMO.olga, DEMO.community, "/newcall Show in 3h rtmp");
    await created(stream.request, stream.ack);
    const plain = await newcall(DEMO.olga, DEMO.olga, "/newcall @demo_channel Talk in 2h");
    await created(plain.request, plain.ack);

    // Adam manages Demo Community's video chats, but he is not its owner.
    const adams = await list(DEMO.adam, DEMO.adam);
    const press = await pressOn(DEMO.adam, adams, "RTMP key");
    const answer = await press.answer;
    expect(answer.showAlert).toBe(true);
    expect(answer.text).toContain("Only the owner of «Demo Community» gets its stream key");

    // Olga owns the channel; its call is no livestream. A modified client can send any callback data.
    const olgas = await list(DEMO.olga, DEMO.olga);
    const inviteOfPlain = button(olgas, "Invite link");
    const forged = inviteOfPlain.replace(/^cl:i:/, "cl:k:");
    expect(forged).not.toBe(inviteOfPlain);
    await h.running.bot.handleUpdate({
      update_id: 990_001,
      callback_query: {
        id: "forged-1",
        from: { id: DEMO.olga, is_bot: false, first_name: "Olga" },
        message: {
          message_id: olgas.id,
          date: Math.floor(Date.now() / 1000),
          chat: { id: DEMO.olga, type: "private", first_name: "Olga" },
          text: olgas.text ?? "",
        },
        chat_instance: String(DEMO.olga),
        data: forged,
      },
    });
    expect(await actionJobs()).toEqual([]);
  });

  it("a call started and ended by hand in Telegram shows as live, then ended", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Planned in 5h");
    const call = await created(request, ack);
    h.sandbox.world.startScheduledGroupCall(DEMO.olga, call.id);
    const live = await waitFor(async () => {
      const listed = await list(DEMO.olga, DEMO.community);
      return listed.text?.includes("🔴 live") ? listed : undefined;
    }, "/calls to list the call as live");
    expect(live.text).toContain("Video chat “Planned”");
    h.sandbox.world.discardGroupCall(DEMO.olga, call.id);
    const ended = await waitFor(async () => {
      const listed = await list(DEMO.olga, DEMO.community);
      return listed.text?.includes("⏹ ended") ? listed : undefined;
    }, "/calls to list the call as ended");
    expect(ended.text).not.toContain("🔴 live");
    expect(buttons(ended)).toEqual([]);
  });

  it("a call scheduled by hand in Telegram (no request) is listed, without buttons (its id is unknown)", async () => {
    const chat = h.sandbox.world.chatByBotApiId(DEMO.privateTeam)!;
    h.sandbox.world.createGroupCall(DEMO.olga, chat.id, {
      randomId: 99,
      rtmp: false,
      scheduleDate: Math.floor(Date.now() / 1000) + 7200,
    });
    const listed = await waitFor(async () => {
      const message = await list(DEMO.olga, DEMO.privateTeam);
      return message.text?.includes("🗓 scheduled") ? message : undefined;
    }, "/calls to list the scheduled call");
    expect(listed.text).toContain("set up in Telegram directly");
    expect(buttons(listed)).toEqual([]);
  });

  it("/rename in a group queues a rename of the current call and edits its answer; a member is refused", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Old name in 2h");
    const call = await created(request, ack);
    const refused = await list(DEMO.max, DEMO.community);
    expect(refused.text).toContain("Only the owner");
    const sent = await h.sandbox.sendText({
      from: DEMO.max,
      chatId: DEMO.community,
      text: "/rename Hijacked",
    });
    const refusal = await h.sandbox.waitForBotMessage(DEMO.community, (m) => m.replyToMessageId === sent.id);
    expect(refusal.text).toContain("Only the owner of Demo Community");

    const command = await h.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/rename  New   name ",
    });
    const answer = await h.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.replyToMessageId === command.id,
    );
    expect(answer.text).toBe("⏳ Renaming the call in «Demo Community» to “New name”…");
    const job = await nextActionJob();
    expect(await actionJobs()).toHaveLength(1);
    expect(job.data).toMatchObject({ action: "rename", title: "New name", call: { id: call.id } });
    await putActionResult(job.data, {
      status: "done",
      call: { id: call.id, accessHash: call.accessHash, state: "scheduled", title: "New name", rtmp: false },
    });
    const edited = await h.sandbox.waitForEdit(
      DEMO.community,
      answer.id,
      (m) => m.text?.includes("✏️") ?? false,
    );
    expect(edited.text).toBe("✏️ The call in «Demo Community» is now called “New name”.");
    expect((await list(DEMO.olga, DEMO.community)).text).toContain("Video chat “New name”");
  });

  it("/rotatekey: private chat and the chat's owner only; the new key goes to the private chat", async () => {
    const inGroup = await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community, text: "/rotatekey" });
    const groupAnswer = await h.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.replyToMessageId === inGroup.id,
    );
    expect(groupAnswer.text).toContain("only handled in a private chat");

    const byAdmin = await h.sandbox.sendText({
      from: DEMO.adam,
      chatId: DEMO.adam,
      text: "/rotatekey @demo_community",
    });
    const adminAnswer = await h.sandbox.waitForBotMessage(
      DEMO.adam,
      (m) => m.replyToMessageId === byAdmin.id,
    );
    expect(adminAnswer.text).toContain("Only the owner of «Demo Community»");
    expect(await actionJobs()).toHaveLength(0);

    const byOwner = await h.sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.olga,
      text: "/rotatekey @demo_community",
    });
    const ownerAnswer = await h.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => m.replyToMessageId === byOwner.id,
    );
    expect(ownerAnswer.text).toBe("⏳ Rotating the stream key of «Demo Community»…");
    const job = await nextActionJob();
    expect(job.data).toMatchObject({
      action: "rotate-rtmp-key",
      requester: { userId: DEMO.olga, chatId: DEMO.olga },
    });
    expect(job.data.call).toBeUndefined();
    await putActionResult(job.data, {
      status: "done",
      rtmpCredentials: { url: "rtmps://dc4-1.rtmp.t.me/s/", key: "1500000001:NeWkEy" },
    });
    const key = await h.sandbox.waitForBotMessage(DEMO.olga, (m) => m.text?.includes("NeWkEy") ?? false);
    expect(key.text).toContain("New stream settings for «Demo Community»");
    const edited = await h.sandbox.waitForEdit(
      DEMO.olga,
      ownerAnswer.id,
      (m) => m.text?.includes("replaced") ?? false,
    );
    expect(edited.text).toBe(
      "🔑 The stream key of «Demo Community» was replaced; the old key no longer works. (sent below)",
    );
    const inGroupTexts = h.sandbox.world
      .messages(DEMO.community)
      .flatMap((m) => [m.text ?? "", ...m.editHistory]);
    expect(inGroupTexts.join("\n")).not.toContain("NeWkEy");
  });

  it("auto-start: a done result without an ack is posted as a new message; a skipped one says nothing", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Auto in 2h");
    const call = await created(request, ack);
    const auto = (requestId: string): CallActionRequest => ({
      v: 1,
      kind: "call-action",
      requestId,
      action: "start",
      origin: "autostart",
      // As the worker sends it: the user who scheduled the call, not a placeholder id.
      requester: { userId: DEMO.olga, chatId: DEMO.community },
      target: { chatId: DEMO.community, title: "Demo Community", username: "demo_community" },
      call: { id: call.id, accessHash: call.accessHash },
      onlyIfScheduled: true,
      timeZone: "Europe/Berlin",
      requestedAt: Date.now(),
    });
    await putActionResult(auto("autostart_a"), { status: "skipped", reason: "already-started" });
    await putActionResult(auto("autostart_b"), {
      status: "done",
      call: { id: call.id, accessHash: call.accessHash, state: "active", title: "Auto", rtmp: false },
    });
    const posted = await h.sandbox.waitForBotMessage(
      DEMO.community,
      (m) => m.text?.includes("automatically") ?? false,
    );
    expect(posted.text).toBe("▶️ “Auto” started automatically in «Demo Community».");
    const notes = h.sandbox
      .botMessages(DEMO.community)
      .filter((m) => /Nothing to do|automatically/.test(m.text ?? ""));
    expect(notes).toHaveLength(1);
    expect((await list(DEMO.olga, DEMO.community)).text).toContain("🔴 live");
  });

  it("a failed action edits the list with the catalogue's message, not a raw error name", async () => {
    const { request, ack } = await newcall(DEMO.olga, DEMO.community, "/newcall Failing in 2h");
    await created(request, ack);
    const listed = await list(DEMO.olga, DEMO.community);
    await (await pressOn(DEMO.olga, listed, "Start now")).answer;
    const job = await nextActionJob();
    await putActionResult(job.data, {
      status: "failed",
      failure: { errorName: "CHAT_ADMIN_REQUIRED", category: "user" },
    });
    const redrawn = await h.sandbox.waitForEdit(
      DEMO.community,
      listed.id,
      (m) => m.text?.includes("❌") ?? false,
    );
    expect(redrawn.text).toContain("❌ I could not start “Failing” in «Demo Community».");
    expect(redrawn.text?.split("\n")[1]).not.toContain("CHAT_ADMIN_REQUIRED");
  });
});
