import type { MemberRole, WorldMessage } from "@callbot/sandbox";
import { QUEUE_NAMES } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

type Button = { text: string; callback_data?: string; url?: string };
type Keyboard = { inline_keyboard?: Button[][] };

const ASSISTANT = "@callbot_assistant";
const BOT_ID = 7000000001;
const BOT_ADMIN: MemberRole = {
  status: "admin",
  rights: { inviteUsers: true, addAdmins: true, manageCall: true, banUsers: true, other: true },
};

/**
 * /setup and the my_chat_member checklist against the sandbox and a real Redis, with the real
 * worker joining chats over MTProto: each check, each fix button, and presses by people without rights.
 */
describe("/setup: the one-tap set-up of a chat", () => {
  let p: Pipeline;
  beforeEach(async () => {
    p = await startPipeline({ ownerIds: [] });
  });
  afterEach(async () => {
    await p.close();
  });

  function buttons(message: WorldMessage): Button[] {
    return (message.replyMarkup as Keyboard | undefined)?.inline_keyboard?.flat() ?? [];
  }
  function button(message: WorldMessage, label: string): Button {
    const found = buttons(message).find((b) => b.text.includes(label));
    if (!found)
      throw new Error(`no "${label}" button on: ${message.text}\n${JSON.stringify(buttons(message))}`);
    return found;
  }
  function press(from: number, message: WorldMessage, label: string) {
    const data = button(message, label).callback_data;
    if (!data) throw new Error(`"${label}" is not a callback button`);
    return p.sandbox.pressButton({ from, chatId: message.chatId, messageId: message.id, data });
  }
  /** The checklist message once an edit of it matches. */
  function edited(message: WorldMessage, matches: RegExp, timeoutMs = 10_000): Promise<WorldMessage> {
    return p.sandbox.waitForEdit(message.chatId, message.id, (m) => matches.test(m.text ?? ""), {
      timeoutMs,
    });
  }
  function assistantRole(chatId: number): MemberRole | undefined {
    const chat = p.sandbox.world.chatByBotApiId(chatId)!;
    return p.sandbox.world.memberRole(chat.id, DEMO.assistant);
  }

  it("is posted by itself when the bot is added to a group (my_chat_member, in allowed_updates)", async () => {
    p.sandbox.setRole(DEMO.privateTeam, BOT_ID, { status: "left" });
    p.sandbox.setRole(DEMO.privateTeam, BOT_ID, BOT_ADMIN, DEMO.olga);
    const checklist = await p.sandbox.waitForBotMessage(
      DEMO.privateTeam,
      (m) => m.text?.includes("Set-up of") ?? false,
    );
    expect(checklist.text).toContain("Set-up of «Private Team»:");
    expect(checklist.text).toContain("✅ I am an admin of the chat");
    expect(checklist.text).toContain(`✅ ${ASSISTANT} is an admin with "Manage video chats"`);
    expect(checklist.text).toContain("All set: /newcall works here.");
  });

  it("in a channel, the checklist goes privately to whoever added the bot", async () => {
    await p.ask(DEMO.olga, DEMO.olga, "/start");
    p.sandbox.setRole(DEMO.channel, BOT_ID, { status: "left" });
    p.sandbox.setRole(DEMO.channel, BOT_ID, { status: "admin", rights: { postMessages: true } }, DEMO.olga);
    const checklist = await p.sandbox.waitForBotMessage(
      DEMO.olga,
      (m) => m.text?.includes("Set-up of") ?? false,
    );
    expect(checklist.text).toContain("Set-up of «Demo Channel»:");
    expect(checklist.text).toContain("❌ I may invite users");
    const link = button(checklist, "Give me the rights").url;
    expect(link).toBe(
      "https://t.me/callbot_sandbox_bot?startchannel&admin=invite_users+promote_members+manage_video_chats",
    );
    expect(p.sandbox.botMessages(DEMO.channel)).toEqual([]);
  });

  it("a bot that is not an admin says which rights it lacks, with the deep link that asks for exactly those", async () => {
    const { reply } = await p.ask(DEMO.olga, -400000001, "/setup");
    expect(reply.text).toContain("❌ I am an admin of the chat");
    expect(reply.text).toContain(
      "I lack these admin rights: Invite users, Add new admins, Manage video chats.",
    );
    expect(button(reply, "Give me the rights").url).toBe(
      "https://t.me/callbot_sandbox_bot?startgroup&admin=invite_users+promote_members+manage_video_chats",
    );
  });

  it("refuses /setup to a member without rights; /setup @chat works in the private chat", async () => {
    const refused = await p.ask(DEMO.max, DEMO.community, "/setup");
    expect(refused.reply.text).toContain(
      'Only the owner of Demo Community or its admins with the "Manage video chats" right',
    );
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/setup @demo_community");
    expect(reply.text).toContain("Set-up of «Demo Community»:");
    expect(reply.text).toContain("All set");
  });

  it("Give it the right: promoteChatMember with can_manage_video_chats only; refused to those without rights", async () => {
    p.sandbox.setRole(DEMO.community, DEMO.assistant, { status: "member" });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/setup");
    expect(reply.text).toContain(`❌ ${ASSISTANT} is an admin with "Manage video chats"`);

    const byMember = await (await press(DEMO.max, reply, "Give it the right")).answer;
    expect(byMember.text).toContain("Only the owner of «Demo Community» or its admins");
    const byAdminWithoutRight = await (await press(DEMO.nina, reply, "Give it the right")).answer;
    expect(byAdminWithoutRight.showAlert).toBe(true);
    expect(assistantRole(DEMO.community)).toEqual({ status: "member" });

    await press(DEMO.adam, reply, "Give it the right");
    const done = await edited(reply, /now an admin/);
    expect(done.text).toContain(`✅ ${ASSISTANT} is an admin with "Manage video chats"`);
    expect(done.text).toContain("All set");
    const role = assistantRole(DEMO.community);
    expect(role?.status).toBe("admin");
    const granted = role?.status === "admin" ? Object.entries(role.rights).filter(([, on]) => on) : [];
    expect(granted.map(([name]) => name)).toEqual(["manageCall"]);
  });

  it("Unban, then Add the assistant (public chat: channels.joinChannel by the worker), then Give it the right", async () => {
    p.sandbox.setRole(DEMO.community, DEMO.assistant, { status: "banned" });
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/setup");
    expect(reply.text).toContain(`❌ ${ASSISTANT} is not banned`);
    expect(buttons(reply).map((b) => b.text)).toEqual(["🔓 Unban the assistant", "🔄 Check again"]);

    const refusedUnban = await (await press(DEMO.max, reply, "Unban")).answer;
    expect(refusedUnban.text).toContain("Only the owner of «Demo Community» or its admins");
    expect(assistantRole(DEMO.community)).toEqual({ status: "banned" });

    await press(DEMO.olga, reply, "Unban");
    const unbanned = await edited(reply, /no longer banned/);
    expect(assistantRole(DEMO.community)).toEqual({ status: "left" });
    expect(unbanned.text).toContain(`✅ ${ASSISTANT} is not banned`);
    expect(unbanned.text).toContain(`❌ ${ASSISTANT} is in the chat`);

    const refusedAdd = await (await press(DEMO.nina, unbanned, "Add the assistant")).answer;
    expect(refusedAdd.showAlert).toBe(true);
    expect(p.sandbox.counters().mtproto["channels.joinChannel"]).toBeUndefined();

    await press(DEMO.olga, unbanned, "Add the assistant");
    const joined = await edited(reply, /joined «Demo Community»/);
    expect(assistantRole(DEMO.community)).toEqual({ status: "member" });
    expect(p.sandbox.counters().mtproto["channels.joinChannel"]).toBe(1);
    expect(joined.text).toContain(`✅ ${ASSISTANT} is in the chat`);

    await press(DEMO.olga, joined, "Give it the right");
    const ready = await edited(reply, /All set/);
    expect(ready.text).toContain(`✅ ${ASSISTANT} is an admin with "Manage video chats"`);
  });

  it("an anonymous assistant is flagged, with what to turn off", async () => {
    p.sandbox.setRole(DEMO.community, DEMO.assistant, {
      status: "admin",
      rights: { manageCall: true, anonymous: true },
    });
    const { reply } = await p.ask(DEMO.adam, DEMO.community, "/setup");
    expect(reply.text).toContain(`❌ ${ASSISTANT} is not anonymous`);
    expect(reply.text).toContain(`Turn off "Remain anonymous" for ${ASSISTANT}`);
    expect(reply.text).not.toContain("All set");
  });

  it("Add the assistant to a private chat: a one-use invite link, never in the job, revoked after the join", async () => {
    p.sandbox.setRole(DEMO.privateTeam, DEMO.assistant, { status: "left" });
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/setup");
    expect(reply.text).toContain(`❌ ${ASSISTANT} is in the chat`);
    await press(DEMO.olga, reply, "Add the assistant");
    const joined = await edited(reply, /joined «Private Team»/);
    expect(joined.text).toContain(`✅ ${ASSISTANT} is in the chat`);
    expect(assistantRole(DEMO.privateTeam)).toEqual({ status: "member" });
    expect(p.sandbox.counters().mtproto["messages.importChatInvite"]).toBe(1);

    const inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const calls = new Queue(QUEUE_NAMES.calls, { connection: inspector, prefix: p.prefix });
    try {
      const [job] = await calls.getJobs(["completed"]);
      expect(job?.name).toBe("join-chat");
      const chat = p.sandbox.world.chatByBotApiId(DEMO.privateTeam)!;
      const [link, ...more] = p.sandbox.world.inviteLinks.ofChat(chat.id);
      expect(more).toEqual([]);
      expect(link).toMatchObject({ memberLimit: 1, joined: 1, revoked: true });
      expect(link?.expireDate).toBeGreaterThan(Date.now() / 1000);
      expect(JSON.stringify(job?.data)).not.toContain(link?.hash);
      expect(await inspector.keys(`${p.prefix}:join-invite:*`)).toEqual([]);
    } finally {
      await calls.close();
      await inspector.quit();
    }
  });
});
