import type { CreateCallRequest } from "@callbot/shared";
import { DEMO, waitFor } from "@callbot/test-support";
import { DateTime } from "luxon";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.ts";

describe("/timezone and times in the user's zone", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function ask(from: number, chatId: number, text: string) {
    const sent = await h!.sandbox.sendText({ from, chatId, text });
    return h!.sandbox.waitForBotMessage(chatId, (m) => m.replyToMessageId === sent.id);
  }

  it("shows the default, sets a zone, shows it, and refuses an unknown one or a fixed offset", async () => {
    h = await startHarness();
    const before = await ask(DEMO.olga, DEMO.olga, "/timezone");
    expect(before.text).toMatch(
      /^Your time zone: Europe\/Berlin \(now \d\d:\d\d, UTC\+0[12]:00\) \(the default/,
    );

    const set = await ask(DEMO.olga, DEMO.olga, "/timezone america/new_york");
    expect(set.text).toMatch(/^✅ Your time zone is now America\/New_York \(now \d\d:\d\d, UTC-0[45]:00\)/);
    const after = await ask(DEMO.olga, DEMO.olga, "/timezone");
    expect(after.text).toMatch(/^Your time zone: America\/New_York /);
    expect(after.text).not.toContain("the default");

    const unknown = await ask(DEMO.olga, DEMO.olga, "/timezone Mars/Olympus_Mons");
    expect(unknown.text).toContain('I do not know the time zone "Mars/Olympus_Mons"');
    const offset = await ask(DEMO.olga, DEMO.olga, "/timezone Etc/GMT+2");
    expect(offset.text).toContain("Fixed offsets");
    expect((await ask(DEMO.olga, DEMO.olga, "/timezone")).text).toMatch(
      /^Your time zone: America\/New_York /,
    );
  });

  it("/newcall reads the time in the user's zone and names it", async () => {
    h = await startHarness();
    await ask(DEMO.olga, DEMO.olga, "/timezone Asia/Tokyo");
    const reply = await ask(DEMO.olga, DEMO.community, "/newcall Standup tomorrow 18:00");
    expect(reply.text).toContain("(Asia/Tokyo, UTC+09:00)");
    const job = await waitFor(
      async () => (await h!.callJobs()).find((j: CreateCallRequest) => j.ack?.messageId === reply.id),
      "the request's job",
    );
    const expected = DateTime.now()
      .setZone("Asia/Tokyo")
      .plus({ days: 1 })
      .set({ hour: 18, minute: 0, second: 0, millisecond: 0 });
    expect(job.scheduleDate).toBe(Math.floor(expected.toSeconds()));
    expect(job.timeZone).toBe("Asia/Tokyo");
  });

  it("across a daylight-saving change, each time is shown with its own offset", async () => {
    // Friday 26 March 2027, 12:00 UTC: Berlin is on UTC+01:00; clocks go forward on Sunday the 28th.
    const now = Date.parse("2027-03-26T12:00:00Z");
    h = await startHarness({ clock: { now: () => now } });
    const before = await ask(DEMO.olga, DEMO.community, "/newcall Before 2027-03-27 18:00");
    const after = await ask(DEMO.olga, DEMO.privateTeam, "/newcall After 2027-03-29 18:00");
    expect(before.text).toContain("Sat 27 Mar 2027, 18:00 (Europe/Berlin, UTC+01:00)");
    expect(after.text).toContain("Mon 29 Mar 2027, 18:00 (Europe/Berlin, UTC+02:00)");
    const jobs = await waitFor(async () => {
      const found = await h!.callJobs();
      return found.length === 2 ? found : undefined;
    }, "both requests' jobs");
    const byTitle = new Map(jobs.map((j) => [j.title, j]));
    expect(byTitle.get("Before")?.scheduleDate).toBe(Date.parse("2027-03-27T17:00:00Z") / 1000);
    expect(byTitle.get("After")?.scheduleDate).toBe(Date.parse("2027-03-29T16:00:00Z") / 1000);

    // /calls in private lists both pending requests, each with the offset of its own date.
    const listed = await ask(DEMO.olga, DEMO.olga, "/calls");
    expect(listed.text).toContain("Sat 27 Mar 2027, 18:00 (Europe/Berlin, UTC+01:00)");
    expect(listed.text).toContain("Mon 29 Mar 2027, 18:00 (Europe/Berlin, UTC+02:00)");
  });
});
