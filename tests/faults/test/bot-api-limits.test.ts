import { waitFor } from "@callbot/test-support";
import { describe, expect, it } from "vitest";
import { WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Bot API limits the sandbox models (packages/sandbox/README.md, World settings): the product
 * degrades with a clear message, never a spinner and silence, never a wrong "you are not an admin".
 */
const { start } = pipelinePerTest();
let p: Pipeline;

describe("getChatMember when the bot is not an admin of the chat", () => {
  it.each([
    ["refused", /I need to be an admin of Demo Community to check who may create calls there/],
    ["answers", /Queued/],
  ] as const)("nonAdminBotMemberLookup %s: the owner's /newcall gets %s", async (lookup, expected) => {
    p = await start({ worker: false });
    p.sandbox.world.configure({ nonAdminBotMemberLookup: lookup });
    p.sandbox.setRole(WHO.community, WHO.bot, { status: "member" });
    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall Standup");
    expect(reply.text).toMatch(expected);
    // Never the wrong reason: the owner is not told they lack rights.
    expect(reply.text).not.toMatch(/Only the owner/);
    const queued = async () => (await p.queues.calls.getJobCounts("waiting")).waiting;
    if (lookup === "answers")
      await waitFor(async () => ((await queued()) === 1 ? true : undefined), "the job");
    else expect(await queued()).toBe(0);
  });
});

describe("a button answered after Telegram's timeout", () => {
  it("the answer becomes a message (here in the group, as Max never started the bot), not silence", async () => {
    p = await start({ worker: false });
    await p.ask(WHO.olga, WHO.community, "/newcall Weekly every monday 18:00");
    const { reply: list } = await p.ask(WHO.olga, WHO.community, "/stoprecurring");
    const markup = list.replyMarkup as { inline_keyboard: Array<Array<{ callback_data: string }>> };
    const data = markup.inline_keyboard.flat()[0]!.callback_data;

    // Telegram takes answers for half a second; the rights check takes longer than that.
    p.sandbox.world.configure({ callbackQueryTimeoutSeconds: 0.5 });
    p.sandbox.faults.botApi({ method: "getChatMember", action: { kind: "slow", ms: 1_500 }, times: 1 });
    const pressed = await p.sandbox.pressButton({
      from: WHO.max,
      chatId: WHO.community,
      messageId: list.id,
      data,
    });

    const told = await p.sandbox.waitForBotMessage(WHO.community, (m) => m.replyToMessageId === list.id, {
      timeoutMs: 15_000,
    });
    expect(told.text).toMatch(/Only the owner of Demo Community or its admins/);
    const answered = await Promise.race([pressed.answer, Promise.resolve("never")]);
    expect(answered).toBe("never"); // the button's own answer was refused as too late
  });
});

describe("a 429 longer than a call may sleep, in a command's rights check", () => {
  it("getChatMember answered 429 with retry_after 90: the user is told at once how long to wait; nothing is queued", async () => {
    p = await start({ worker: false });
    p.sandbox.faults.botApi({ method: "getChatMember", action: { kind: "429", retryAfter: 90 }, times: 1 });
    const askedAt = Date.now();
    const { reply } = await p.ask(WHO.olga, WHO.community, "/newcall Standup");
    expect(reply.text).toBe(
      "⏳ Telegram asked me to slow down for 2 minutes. Nothing was done; please try again after that.",
    );
    expect(Date.now() - askedAt).toBeLessThan(10_000); // not 90 s of silence
    expect(await p.queues.calls.getJobCounts("waiting")).toEqual({ waiting: 0 });
  });
});
