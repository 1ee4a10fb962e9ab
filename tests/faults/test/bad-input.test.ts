import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { faultsWorld, roomId, WHO } from "./support/faults-world.ts";
import type { Pipeline } from "./support/pipeline.ts";
import { pipelinePerTest } from "./support/pipeline-per-test.ts";

/**
 * Checklist lines 19 (titles) and 20 (odd commands, huge input, random bytes) through the
 * sandbox and the real bot. The parser's and the title cleaner's fast-check properties live
 * beside them: apps/bot/test/parse-new-call-command.test.ts ("parseNewCallCommand properties")
 * and apps/bot/test/clean-title.test.ts ("property: any accepted title is ...").
 */
const { capture, start } = pipelinePerTest();
let p: Pipeline;

// biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// These tests send many commands in a minute on purpose; the rate limits have their own tests.
const PLENTY = { newCallsPerWindow: 1_000, updatesPerWindow: 1_000 };

describe("19: titles are rejected or cleaned, and echoed back safely", () => {
  it("bidi overrides and control characters are removed; markup is echoed as plain text; the call gets the clean title", async () => {
    p = await start({ world: faultsWorld({ rooms: 3 }), botLimits: PLENTY });
    const cases = [
      [roomId(1), "/newcall evil\u202Egnp.exe", "evilgnp.exe"],
      [roomId(2), "/newcall bell\u0007 and\u0000 nul\u200B", "bell and nul"],
      [roomId(3), "/newcall <b>x</b> *y* _z_ [w](http://e.x) `c`", "<b>x</b> *y* _z_ [w](http://e.x) `c`"],
    ] as const;
    for (const [chatId, command, title] of cases) {
      const { reply } = await p.ask(WHO.olga, chatId, command);
      expect(reply.text).toContain(`“${title}”`);
      expect(reply.text).not.toMatch(UNSAFE);
      const live = await p.outcome(reply, /live now/);
      expect(live).toContain(`“${title}”`);
      expect(live).not.toMatch(UNSAFE);
      expect(p.sandbox.calls(chatId)[0]?.title).toBe(title);
    }
  });

  // Telegram's answer to a longer title is undocumented (the sandbox's overlongCallTitle):
  // the product must refuse it itself under either answer, so nothing long reaches Telegram.
  it.each(["truncate", "reject"] as const)(
    "over 64 characters is refused with the length; an empty title means the chat's own name (Telegram would %s)",
    async (overlongCallTitle) => {
      p = await start({
        world: { ...faultsWorld({ rooms: 2 }), settings: { overlongCallTitle } },
        botLimits: PLENTY,
      });
      const long = await p.ask(WHO.olga, roomId(1), `/newcall ${"x".repeat(65)}`);
      expect(long.reply.text).toContain("The title is 65 characters long; Telegram allows at most 64");
      const blank = await p.ask(WHO.olga, roomId(2), "/newcall \u202E\u202C");
      expect(blank.reply.text).toContain("Queued");
      await p.outcome(blank.reply, /live now/);
      expect(p.sandbox.calls(roomId(2))[0]?.title).toBeUndefined(); // Telegram shows the chat's name
      expect((await p.queues.callJobs()).map((j) => j.data.target.chatId)).toEqual([roomId(2)]);
      expect(p.sandbox.counters().mtproto["phone.createGroupCall"]).toBe(1);
    },
  );
});

describe("19, issue 10 item 13: invisible characters a blocklist misses", () => {
  it("U+2062, U+180E, U+206E, U+034F and tag characters are removed from the call's title; a title of Hangul fillers only means the chat's own name", async () => {
    p = await start({ world: faultsWorld({ rooms: 2 }), botLimits: PLENTY });
    const sneaky = "/newcall Team\u2062 sync\u180E now\u206E\u034F\u{E0049}\u{E0047}\u{E004E}";
    const { reply } = await p.ask(WHO.olga, roomId(1), sneaky);
    expect(reply.text).toContain("“Team sync now”");
    await p.outcome(reply, /live now/);
    expect(p.sandbox.calls(roomId(1))[0]?.title).toBe("Team sync now");

    const filler = await p.ask(WHO.olga, roomId(2), "/newcall \u3164\u3164\u3164");
    expect(filler.reply.text).toContain("Queued");
    expect(filler.reply.text).not.toContain("\u3164");
    await p.outcome(filler.reply, /live now/);
    expect(p.sandbox.calls(roomId(2))[0]?.title).toBeUndefined(); // Telegram shows the chat's name
  });
});

describe("38: what a user typed is echoed only after the rights check, never as a link or with invisible characters", () => {
  // The review's probe: Hangul fillers look like spaces, RLO turns the rest around, and the URL
  // would be clickable in the bot's own message.
  const PROBE =
    "/newcall Party --\u2705\u3164Video\u3164chat\u3164is\u3164live:\u3164https://t.me/+phish\u202Eoof";
  const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u3164]/;

  it("a plain member's malformed /newcall in the group is refused without quoting a word of it", async () => {
    p = await start({ botLimits: PLENTY, worker: false });
    const { reply } = await p.ask(WHO.max, WHO.community, PROBE);
    expect(reply.text).toContain("Only the owner of Demo Community or its admins");
    expect(reply.text).not.toMatch(/phish|Video|--/);
    expect(reply.text).not.toMatch(INVISIBLE);
  });

  it("an admin's malformed commands get the parse error, with the typed words only when they are safe to quote", async () => {
    p = await start({ botLimits: PLENTY, worker: false });
    const probe = await p.ask(WHO.olga, WHO.community, PROBE);
    expect(probe.reply.text).toContain("Unknown option in the command. The options are rtmp");
    expect(probe.reply.text).not.toMatch(/phish|t\.me\/\+|https?:/);
    expect(probe.reply.text).not.toMatch(INVISIBLE);

    const time = await p.ask(WHO.olga, WHO.community, "/newcall Party tomorrow 25:\u202E99");
    expect(time.reply.text).toContain('I could not read the time "tomorrow 25:99"');
    expect(time.reply.text).not.toMatch(INVISIBLE);

    const domain = await p.ask(WHO.olga, WHO.community, '/newcall "Party" see evil.example.com');
    expect(domain.reply.text).toContain("I did not understand the words after the quoted title");
    expect(domain.reply.text).not.toContain("example");

    const zone = await p.ask(WHO.max, WHO.community, "/timezone @phisher\u202Eoof");
    expect(zone.reply.text).toContain("I do not know the time zone you gave");
    expect(zone.reply.text).not.toMatch(/phisher|\u202E/);
    expect(await p.queues.callJobs()).toEqual([]);
  });
});

describe("20: other bots' commands, unknown flags, huge input, random bytes", () => {
  it("each gets a clear message or is left alone, and the bot never crashes", async () => {
    p = await start({ world: faultsWorld({ rooms: 1 }), botLimits: PLENTY, worker: false });
    const pipeline = p;
    const chat = roomId(1);
    const other = await pipeline.sandbox.sendText({
      from: WHO.olga,
      chatId: chat,
      text: "/newcall@otherbot Standup",
    });
    const flag = await pipeline.ask(WHO.olga, chat, "/newcall Standup --loud");
    expect(flag.reply.text).toContain('Unknown option "--loud"');
    const huge = await pipeline.ask(WHO.olga, chat, `/newcall ${"spam ".repeat(2_000)}`);
    expect(huge.reply.text).toMatch(/too long/);

    // Random strings after /newcall. One that happens to be a valid title is queued; the chat's
    // cooldown then answers the rest, which is a clear message too.
    const samples = fc.sample(fc.string({ unit: "binary", maxLength: 300 }), { numRuns: 25, seed: 20 });
    for (const junk of samples) {
      const { reply } = await pipeline.ask(WHO.olga, chat, `/newcall ${junk}`);
      expect(reply.text?.length ?? 0).toBeGreaterThan(10);
      expect(reply.text).not.toMatch(/something went wrong/);
    }
    // Random bytes that are no command at all: ignored; the bot still answers afterwards.
    for (const junk of fc.sample(fc.string({ unit: "binary", maxLength: 300 }), { numRuns: 10, seed: 7 })) {
      await pipeline.sandbox.sendText({ from: WHO.olga, chatId: WHO.olga, text: `x${junk}` });
    }
    await pipeline.ask(WHO.olga, WHO.olga, "/help");
    expect(pipeline.sandbox.botMessages(chat).filter((m) => m.replyToMessageId === other.id)).toEqual([]);
    expect(capture.linesOf("bot").filter((l) => /"level":(50|60)/.test(l))).toEqual([]);
    expect((await pipeline.queues.callJobs()).length).toBeLessThanOrEqual(1);
  });
});
