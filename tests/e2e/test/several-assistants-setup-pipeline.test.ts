import { multiAssistantWorld, type WorldMessage } from "@callbot/sandbox";
import { recordAssistantRights } from "@callbot/shared";
import { DEMO, REDIS_URL } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

type Button = { text: string; callback_data?: string };
type Keyboard = { inline_keyboard?: Button[][] };

const ONE = "@callbot_assistant";
const TWO = "@callbot_assistant_two";

/**
 * /setup and /help with two assistant accounts (one worker each) behind one bot: every live
 * account is named with what it is in the chat, the ones to make an admin are named when none
 * may create calls (and, once one may, the others offered as optional, for failover), their
 * buttons fix each account, and what /setup finds is what routing uses at once.
 */
describe("/setup and /help with several assistant accounts", () => {
  let p: Pipeline;
  let redis: Redis;
  beforeAll(async () => {
    p = await startPipeline({ world: multiAssistantWorld(), worker: { statusHeartbeatMs: 300 } });
    await p.startAssistant("callbot_assistant_two").ready;
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis?.quit();
    await p?.close();
  });

  const creatorIn = (chatId: number) =>
    p.sandbox.calls(chatId).find((c) => c.state !== "discarded")?.createdBy;
  function press(message: WorldMessage, label: string) {
    const found = (message.replyMarkup as Keyboard | undefined)?.inline_keyboard
      ?.flat()
      .find((b) => b.text.includes(label));
    if (!found?.callback_data) throw new Error(`no "${label}" button on: ${message.text}`);
    return p.sandbox.pressButton({
      from: DEMO.olga,
      chatId: message.chatId,
      messageId: message.id,
      data: found.callback_data,
    });
  }
  const labelsOf = (message: WorldMessage) =>
    ((message.replyMarkup as Keyboard | undefined)?.inline_keyboard ?? []).flat().map((b) => b.text);
  const edited = (message: WorldMessage, matches: RegExp) =>
    p.sandbox.waitForEdit(message.chatId, message.id, (m) => matches.test(m.text ?? ""), {
      timeoutMs: 15_000,
    });

  it("/help names every assistant account", async () => {
    const { reply } = await p.ask(DEMO.olga, DEMO.olga, "/help");
    expect(reply.text).toContain(`My assistant accounts are ${ONE}, ${TWO}: one of them must be in the chat`);
  });

  it("names the accounts to make an admin, fixes each with its own button, and the next /newcall goes to the one just made admin", async () => {
    // The refusal names them and points to /setup; what the bot learnt (neither may) stays known for minutes.
    const { reply: refused } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/newcall Club night");
    expect(refused.text).toContain(
      `Make one of them an admin there with the "Manage video chats" right: ${ONE}, ${TWO}`,
    );
    expect(refused.text).toContain("/setup @no_rights_club");

    const { reply: checklist } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/setup");
    expect(checklist.text).toContain(`❌ ${ONE}: an admin without "Manage video chats"`);
    expect(checklist.text).toContain(`❌ ${TWO}: not in the chat`);
    expect(checklist.text).toContain(
      `None of them may create video chats here. Make one of them an admin with "Manage video chats": ${ONE}, or ${TWO} (add it to the chat first).`,
    );
    expect(checklist.text).not.toContain("All set");

    // The second account joins through its own queue (only its worker takes that job).
    await press(checklist, `Add ${TWO}`);
    const joined = await edited(checklist, new RegExp(`${TWO} joined «No Rights Club»`));
    expect(joined.text).toContain(`❌ ${TWO}: a member, not an admin`);
    expect(p.sandbox.world.memberRole(1500000005, DEMO.assistantTwo)?.status).toBe("member");

    await press(joined, `Make ${TWO} an admin`);
    const ready = await edited(checklist, /All set/);
    expect(ready.text).toContain(`✅ ${TWO}: an admin with "Manage video chats"`);
    expect(ready.text).toContain(`❌ ${ONE}: an admin without "Manage video chats"`);
    // Calls work now; the other account is still offered, as optional, for failover.
    expect(ready.text).toContain(
      `Optional, for failover: make ${ONE} an admin with "Manage video chats" too, so that calls here go on when ${TWO} cannot create them`,
    );
    expect(ready.text).toContain("/newcall works without it.");
    expect(labelsOf(ready)).toContain(`⭐ Make ${ONE} an admin (for failover)`);
    expect(labelsOf(ready)).not.toContain(`⭐ Make ${TWO} an admin (for failover)`);

    // At once: routing reads what /setup just saw, not the refusal's "neither may" of a minute ago.
    const { reply } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/newcall Club night");
    await p.outcome(reply, /live now/);
    expect(creatorIn(DEMO.noRightsClub)).toBe(DEMO.assistantTwo);
  });

  it("once one account may create calls, the failover button makes the other an admin too", async () => {
    const { reply: checklist } = await p.ask(DEMO.olga, DEMO.noRightsClub, "/setup");
    expect(checklist.text).toContain("All set");
    await press(checklist, `Make ${ONE} an admin (for failover)`);
    const both = await edited(checklist, new RegExp(`${ONE} is now an admin`));
    expect(both.text).toContain(`✅ ${ONE}: an admin with "Manage video chats"`);
    expect(both.text).toContain(`✅ ${TWO}: an admin with "Manage video chats"`);
    expect(both.text).not.toContain("for failover");
    expect(labelsOf(both)).toEqual(["🔄 Check again"]);
    expect(p.sandbox.world.memberRole(1500000005, DEMO.assistant)?.status).toBe("admin");
  });

  it("an account /setup finds without the right gets no more requests there", async () => {
    // Known a minute ago: both may create calls in Private Team.
    await recordAssistantRights(
      redis,
      p.prefix,
      DEMO.privateTeam,
      [
        { accountId: DEMO.assistant, rights: "admin" },
        { accountId: DEMO.assistantTwo, rights: "admin" },
      ],
      Date.now(),
    );
    for (const account of [DEMO.assistant, DEMO.assistantTwo])
      p.sandbox.setRole(DEMO.privateTeam, account, { status: "member" });

    const { reply: checklist } = await p.ask(DEMO.olga, DEMO.privateTeam, "/setup");
    expect(checklist.text).toContain(`❌ ${ONE}: a member, not an admin`);
    expect(checklist.text).toContain(`❌ ${TWO}: a member, not an admin`);

    const before = await p.callJobCount();
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Team sync");
    expect(reply.text).toContain("None of my assistant accounts may create video chats in «Private Team»");
    expect(await p.callJobCount()).toBe(before);
  });
});
