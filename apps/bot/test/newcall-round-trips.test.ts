import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.ts";

/**
 * How many Redis round trips the bot spends on one steady-state /newcall in a group (caches warm),
 * counted with MONITOR on the bot's own connection: a MULTI…EXEC block or a script counts once.
 * The figure is stated in apps/bot/README.md ("Redis round trips per /newcall").
 */
describe("Redis round trips of one /newcall", () => {
  let h: Harness;
  let monitor: Redis;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    monitor?.disconnect();
    await h.close();
  });

  it("a steady-state group /newcall in long polling costs at most six round trips: throttle, rights cache, three ledger steps and the job (no chat lock in Redis)", async () => {
    const knownChats = `${h.prefix}:bot:known-chats`;
    const redis = h.running.redis;
    const inspector = new Redis(REDIS_URL);
    try {
      const scoreOf = async () => Number((await inspector.zscore(knownChats, String(DEMO.community))) ?? 0);
      // A first request warms the caches (the requester's rights, time zone).
      await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community, text: "/newcall Warm up" });
      const first = await waitFor(async () => (await scoreOf()) || undefined, "the chat in the known chats");
      await inspector.del(`${h.prefix}:bot:cooldown:${DEMO.community}`);

      const botAddress = /addr=(\S+)/.exec(String(await redis.client("INFO")))?.[1];
      expect(botAddress).toBeDefined();
      monitor = await new Redis(REDIS_URL).monitor();
      const seen: string[][] = [];
      const sentinel = `round-trips-${h.prefix}`;
      let sentinelSeen = false;
      monitor.on("monitor", (_time: string, args: string[], source: string) => {
        if (args[0]?.toLowerCase() === "echo" && args[1] === sentinel) sentinelSeen = true;
        if (source === botAddress) seen.push(args);
      });
      // MONITOR is live once it echoes a command.
      await waitFor(async () => {
        await inspector.echo(sentinel);
        return sentinelSeen;
      }, "the monitor to see the sentinel");
      seen.length = 0;
      sentinelSeen = false;

      await h.sandbox.sendText({ from: DEMO.olga, chatId: DEMO.community, text: "/newcall Measured" });
      // The last thing a /newcall writes is the chat in the guided flow's "known chats".
      await waitFor(async () => (await scoreOf()) > first, "the known chats to be written again");
      await waitFor(async () => {
        await inspector.echo(sentinel);
        return sentinelSeen;
      }, "the monitor to see the sentinel");
      const trips = roundTrips(seen);
      console.info(`round trips of one /newcall: ${trips.length}\n${trips.join("\n")}`);
      expect(trips.length).toBeLessThanOrEqual(6);
      expect(trips.filter((trip) => trip.includes(":bot:chat-lock:"))).toEqual([]);
    } finally {
      await inspector.quit();
    }
  });
});

/** Commands as round trips: a MULTI…EXEC block counts once, under the commands it held. */
function roundTrips(commands: string[][]): string[] {
  const trips: string[] = [];
  let block: string[] | undefined;
  for (const [name = "", ...args] of commands) {
    const verb = name.toUpperCase();
    if (verb === "MULTI") {
      block = [];
      continue;
    }
    if (verb === "EXEC" && block) {
      trips.push(`MULTI ${block.join(" ")}`);
      block = undefined;
      continue;
    }
    const shown = verb.startsWith("EVAL")
      ? `${verb} ${args.slice(2, 4).join(" ")}`
      : `${verb} ${args[0] ?? ""}`;
    if (block) block.push(verb);
    else trips.push(shown);
  }
  return trips;
}
