import type { WorldMessage } from "@callbot/sandbox";
import { QUEUE_NAMES } from "@callbot/shared";
import { waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Deployment, startDeployment } from "./support/deployment.ts";
import {
  type LocalSentinel,
  type LocalSentinelOptions,
  startLocalSentinel,
} from "./support/local-sentinel.ts";

/**
 * Redis Sentinel failover under traffic: the bot and the worker find the master through three
 * sentinels (REDIS_URL=redis+sentinel://…/callbot-master). Mid-burst the master is killed
 * (SIGKILL); the sentinels promote the replica and ioredis follows. Every request the bot
 * acknowledged ("Queued") must still be carried out, and no chat may get a second call. A
 * request that could not be queued while Redis was failing over is told so ("Nothing was
 * queued"): that is not an acknowledged request, and it must be true (no call appears for it).
 */
const FIRST_WAVE = 10;
const SECOND_WAVE = 20;

/** A sentinel set-up and a deployment on it for the tests of one describe block. */
function sentinelDeployment(chats: number, options: LocalSentinelOptions = {}) {
  const set: { sentinel: LocalSentinel; d: Deployment } = {} as never;
  beforeAll(async () => {
    set.sentinel = await startLocalSentinel(options);
    set.d = await startDeployment({ redisUrl: set.sentinel.url, botReplicas: 1, chats });
  }, 90_000);
  afterAll(async () => {
    await set.d?.close();
    await set.sentinel?.stop();
  });
  return set;
}

const replyTo = (d: Deployment, command: WorldMessage) =>
  d.sandbox.waitForBotMessage(command.chatId, (m) => m.replyToMessageId === command.id, {
    timeoutMs: 30_000,
  });

describe("Redis Sentinel (redis+sentinel://, master killed mid-traffic)", () => {
  const set = sentinelDeployment(FIRST_WAVE + SECOND_WAVE);
  it("no acknowledged request is lost and no chat gets a second call", async () => {
    const { sentinel, d } = set;
    const send = (from: number, to: number) =>
      Promise.all(
        d.world.privateSeats.slice(from, to).map((seat, i) =>
          d.sandbox.sendText({
            from: seat.ownerId,
            chatId: seat.chatId,
            text: `/newcall Failover ${from + i}`,
          }),
        ),
      );
    // The first wave is carried out before the failover (waiting for its "Queued" answers alone
    // left its adds in flight on a busy machine, all cut off by the kill, and nothing to compare).
    const first = await send(0, FIRST_WAVE);
    const firstReplies = await Promise.all(first.map((command) => replyTo(d, command)));
    await waitFor(
      () => firstReplies.every((reply) => reply.text?.startsWith("✅") ?? false),
      "the first wave to be carried out",
      30_000,
    );
    const second = await send(FIRST_WAVE, FIRST_WAVE + SECOND_WAVE);
    const oldMaster = sentinel.masterPort;
    await sentinel.killMaster();
    await waitFor(
      async () => (await sentinel.currentMasterPort()) === sentinel.replica.port,
      "the sentinels to promote the replica",
      20_000,
    );
    expect(await sentinel.currentMasterPort()).not.toBe(oldMaster);

    const commands = [...first, ...second];
    const replies = await Promise.all(commands.map((command) => replyTo(d, command)));
    // The bot answers "⏳ Queued" while it adds the job, and edits the answer when the add fails
    // ("Nothing was queued") or the result comes (✅). Lost would be an answer left at "Queued"
    // (or at "cannot tell yet", which the bot edits once Redis answers again). Some are refused
    // outright (Redis down when the request began): that reply says so itself.
    const settled = (reply: WorldMessage) =>
      (reply.text?.startsWith("✅") ?? false) || (reply.text?.includes("Nothing was queued") ?? false);
    await waitFor(
      () => replies.every(settled),
      "every request carried out or told that nothing was queued",
      30_000,
    ).catch((error: unknown) => {
      const unsettled = replies
        .filter((reply) => !settled(reply))
        .map((reply) => `${reply.chatId}: ${reply.text}`);
      throw new Error(`${String(error)}; left: ${unsettled.join(" | ")}`);
    });
    const finals = replies;
    let created = 0;
    for (const [i, final] of finals.entries()) {
      const calls = d.sandbox.calls(commands[i]!.chatId);
      if (final.text?.startsWith("✅")) {
        created += 1;
        expect(calls, `request ${i}: ${final.text}`).toHaveLength(1);
      } else {
        // Told that nothing was queued, and true: an add whose answer was lost with the old master
        // was looked for on the new one before the bot said so (README, "Redis Sentinel").
        expect(calls, `request ${i}: ${final.text}`).toHaveLength(0);
      }
    }
    expect(created).toBeGreaterThan(0);
    // The bot fails fast while no master answers (the user hears so within about 2 s, checklist 6);
    // on the promoted replica, the same request sent again is carried out.
    const refused = finals.findIndex(
      (final, i) =>
        !(final.text?.startsWith("✅") ?? false) && d.sandbox.calls(commands[i]!.chatId).length === 0,
    );
    if (refused !== -1) {
      // ioredis reaches the new master on its next reconnect attempt (its pause grows to 5 s while
      // the old one is gone); until then the bot keeps refusing, as it should.
      await waitFor(
        () => d.bots.every((bot) => bot.redis.status === "ready"),
        "the bot to reconnect to the promoted replica",
        20_000,
      );
      const seat = d.world.privateSeats[refused]!;
      const again = await d.sandbox.sendText({
        from: seat.ownerId,
        chatId: seat.chatId,
        text: "/newcall After failover",
      });
      const reply = await replyTo(d, again);
      await waitFor(
        () => reply.text?.startsWith("✅") ?? false,
        "the request sent again to be carried out",
        20_000,
      );
      expect(d.sandbox.calls(seat.chatId)).toHaveLength(1);
    }
  });
});

/**
 * The unclear write: the old master applies the job add and passes it to the replica, but dies
 * before its answer reaches the bot (the proxy in front of it drops the answer). The bot cannot
 * know from the error alone whether the job exists; the promoted replica has it, and the worker
 * creates the call. Telling the requester "Nothing was queued" would be a lie that makes them
 * send the command again.
 */
describe("Redis Sentinel: the master dies between applying a job add and answering it", () => {
  const set = sentinelDeployment(2, { masterBehindProxy: true });

  it("the requester is never told 'Nothing was queued' for the call that is created", async () => {
    const { sentinel, d } = set;
    const [warm, seat] = d.world.privateSeats;
    if (!warm || !seat) throw new Error("the world has too few chats");
    // One request first, as usual: it also loads BullMQ's scripts on the master, so that the add
    // below is one EVALSHA that the master runs.
    const first = await d.sandbox.sendText({
      from: warm.ownerId,
      chatId: warm.chatId,
      text: "/newcall Warm",
    });
    const firstReply = await replyTo(d, first);
    await waitFor(
      () => firstReply.text?.startsWith("✅") ?? false,
      "the first request to be carried out",
      20_000,
    );

    const answerLost = sentinel.proxy!.loseRepliesAfter([
      `newcall_${seat.chatId}_`,
      `:${QUEUE_NAMES.calls}:wait`,
    ]);
    const command = await d.sandbox.sendText({
      from: seat.ownerId,
      chatId: seat.chatId,
      text: "/newcall Unclear",
    });
    await answerLost;
    const replica = new Redis(sentinel.replica.port, "127.0.0.1", { lazyConnect: true });
    try {
      await replica.connect();
      const jobKey = `${d.prefix}:${QUEUE_NAMES.calls}:newcall_${seat.chatId}_${command.id}`;
      await waitFor(
        async () => (await replica.exists(jobKey)) === 1,
        "the job add to reach the replica",
        10_000,
      );
    } finally {
      replica.disconnect();
    }
    await sentinel.killMaster();

    const reply = await replyTo(d, command);
    await waitFor(() => reply.text?.startsWith("✅") ?? false, "the call to be reported created", 30_000);
    expect(d.sandbox.calls(seat.chatId)).toHaveLength(1);
    const everSaid = [...reply.editHistory, reply.text ?? ""];
    expect(
      everSaid.filter((text) => text.includes("Nothing was queued")),
      everSaid.join(" | "),
    ).toEqual([]);
  });
});
