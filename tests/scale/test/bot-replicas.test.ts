import type { WorldMessage } from "@callbot/sandbox";
import { REDIS_URL, waitFor } from "@callbot/test-support";
import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, deliverTo, startDeployment } from "./support/deployment.ts";

/**
 * Two bot replicas in webhook mode behind one address (a round-robin proxy), sharing Redis with
 * one worker. The sandbox delivers like the Bot API server: up to max_connections POSTs at once,
 * one chat's messages in turn, a button press beside them. Each outcome is checked as the users
 * see it: one answer per update, one call per request, each reply edited once, a flow's state
 * that stays right when two of its updates reach two replicas at once.
 */
const BURST_CHATS = 24;
let d: Deployment;
let inspector: Redis;
/** Result jobs each replica finished, by job id (a result consumed twice would show twice). */
const resultsDone: string[] = [];

beforeAll(async () => {
  // The burst's chats, then one for each guided-flow test: a chat keeps its call, and a new
  // request for it waits for the chat's cooldown.
  d = await startDeployment({ redisUrl: REDIS_URL, botReplicas: 2, chats: BURST_CHATS + 2 });
  inspector = new Redis(REDIS_URL);
  for (const bot of d.bots) bot.resultsWorker.on("completed", (job) => resultsDone.push(job.id ?? "?"));
});
afterAll(async () => {
  await d?.close();
  await inspector?.quit();
});

/** /autostart in an owner's group makes the bot know that chat (the guided flow offers it first). */
async function makeKnown(seat: { chatId: number; ownerId: number }): Promise<void> {
  const sent = await d.sandbox.sendText({ from: seat.ownerId, chatId: seat.chatId, text: "/autostart off" });
  await d.sandbox.waitForBotMessage(seat.chatId, (m) => m.replyToMessageId === sent.id);
}

/** The bot's messages in a chat that reply to `sent`. */
const repliesTo = (sent: WorldMessage) =>
  d.sandbox.botMessages(sent.chatId).filter((m) => m.replyToMessageId === sent.id);

describe("two bot replicas behind a load balancer", () => {
  it(`a burst of /newcall from ${BURST_CHATS} chats: each answered once, each call created once, each reply edited once to its outcome`, async () => {
    const seats = d.world.privateSeats.slice(0, BURST_CHATS);
    const sent = await Promise.all(
      seats.map((seat, i) =>
        d.sandbox.sendText({ from: seat.ownerId, chatId: seat.chatId, text: `/newcall Burst ${i}` }),
      ),
    );
    const outcomes = await Promise.all(
      sent.map(async (command) => {
        const reply = await d.sandbox.waitForBotMessage(
          command.chatId,
          (m) => m.replyToMessageId === command.id,
          { timeoutMs: 20_000 },
        );
        return d.sandbox.waitForEdit(command.chatId, reply.id, (m) => m.text?.startsWith("✅") ?? false, {
          timeoutMs: 30_000,
        });
      }),
    );
    for (const [i, command] of sent.entries()) {
      expect(repliesTo(command)).toHaveLength(1);
      expect(outcomes[i]?.text).toContain(`“Burst ${i}” is live now`);
      // Queued, then the outcome: one edit, never a second delivery of the same result.
      expect(outcomes[i]?.editHistory).toHaveLength(1);
      expect(d.sandbox.calls(command.chatId)).toHaveLength(1);
    }
    // Both replicas took updates and consumed results, and no result was consumed twice.
    expect(new Set(d.handled.map((h) => h.replica))).toEqual(new Set([0, 1]));
    await waitFor(() => resultsDone.length >= BURST_CHATS, "every result consumed");
    expect(new Set(resultsDone).size).toBe(resultsDone.length);
  });

  it("an update delivered again to both replicas at once (Telegram retrying a slow answer) is handled once", async () => {
    const owner = d.world.privateSeats[0]!.ownerId;
    const sent = await d.sandbox.sendText({ from: owner, chatId: owner, text: "/help" });
    await d.sandbox.waitForBotMessage(owner, (m) => m.replyToMessageId === sent.id);
    const update = d.handled.find(
      (h) => h.update.message?.message_id === sent.id && h.update.message.chat.id === owner,
    )?.update as Update;
    // Each POST is answered once its update was handled (or dropped as handled before).
    expect(await Promise.all(d.bots.map((bot) => deliverTo(bot, update)))).toEqual([200, 200]);
    expect(repliesTo(sent)).toHaveLength(1);
  });

  it("a button press and /cancel of one guided flow reaching both replicas at once: one of them wins, the state never outlives the cancel", async () => {
    const seat = d.world.privateSeats[BURST_CHATS]!;
    const owner = seat.ownerId;
    await makeKnown(seat);
    const conversationKey = `${d.prefix}:bot:conversation:${owner}`;
    const cancelled = () =>
      d.sandbox.botMessages(owner).filter((m) => m.text?.startsWith("Cancelled. Nothing was created."))
        .length;
    let seen = 0;
    const rounds = 4; // a user may send 5 /newcall a minute
    for (let round = 1; round <= rounds; round++) {
      await d.sandbox.sendText({ from: owner, chatId: owner, text: "/newcall" });
      const question = await d.sandbox.waitForBotMessage(
        owner,
        (m) => m.id > seen && (m.text?.includes("Which chat is it for?") ?? false),
      );
      seen = question.id;
      // A press is in the presser's delivery queue, the message in the chat's: both POSTed at once.
      // Odd rounds the press comes first, even rounds the message.
      const press = () =>
        d.sandbox.pressButton({ from: owner, chatId: owner, messageId: question.id, data: "guided:chat:0" });
      const cancel = () => d.sandbox.sendText({ from: owner, chatId: owner, text: "/cancel" });
      const pressed =
        round % 2 === 1
          ? (await Promise.all([press(), cancel()]))[0]
          : (await Promise.all([cancel(), press()]))[1];
      await pressed.answer;
      await waitFor(() => cancelled() === round, `round ${round}: the flow cancelled once`);
      await waitFor(
        async () => (await inspector.exists(conversationKey)) === 0,
        `round ${round}: no flow state left after the cancel`,
      );
      seen = Math.max(seen, ...d.sandbox.botMessages(owner).map((m) => m.id));
    }
    // Nothing is waiting for an answer: a plain message is not taken as one.
    const hello = await d.sandbox.sendText({ from: owner, chatId: owner, text: "hello" });
    const answer = await d.sandbox.waitForBotMessage(owner, (m) => m.id > hello.id);
    expect(answer.text).toContain("I did not understand that");
    expect(cancelled()).toBe(rounds);
  });

  it("a whole guided flow whose steps reach either replica creates its call once", async () => {
    const seat = d.world.privateSeats[BURST_CHATS + 1]!;
    const owner = seat.ownerId;
    await makeKnown(seat);
    let seen = 0;
    const next = async (text: string) => {
      const message = await d.sandbox.waitForBotMessage(
        owner,
        (m) => m.id > seen && (m.text?.includes(text) ?? false),
      );
      seen = message.id;
      return message;
    };
    const press = async (message: WorldMessage, data: string) => {
      const pressed = await d.sandbox.pressButton({
        from: owner,
        chatId: owner,
        messageId: message.id,
        data,
      });
      await pressed.answer;
    };
    await d.sandbox.sendText({ from: owner, chatId: owner, text: "/newcall" });
    await press(await next("Which chat is it for?"), "guided:chat:0");
    await next("Title of the call");
    await d.sandbox.sendText({ from: owner, chatId: owner, text: "Across replicas" });
    await press(await next("When?"), "guided:when:now");
    await press(await next("A video chat, or a livestream"), "guided:kind:video");
    const summary = await next("Please check:");
    await press(summary, "guided:confirm");
    const outcome = await d.sandbox.waitForEdit(owner, summary.id, (m) => m.text?.startsWith("✅") ?? false, {
      timeoutMs: 20_000,
    });
    expect(outcome.text).toContain("“Across replicas” is live now");
    expect(d.sandbox.calls(seat.chatId).filter((call) => call.title === "Across replicas")).toHaveLength(1);
  });
});
