import type { WorldMessage } from "@callbot/sandbox";
import { DEMO } from "@callbot/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Pipeline, startPipeline } from "./support/pipeline.ts";

/** The first inline button of a bot message. */
function firstButton(message: WorldMessage): { text: string; callback_data: string } | undefined {
  const markup = message.replyMarkup as
    | { inline_keyboard?: { text: string; callback_data: string }[][] }
    | undefined;
  return markup?.inline_keyboard?.[0]?.[0];
}

/*
 * Issue 15's announcements and reminders, through the whole product: /announce in a group, a
 * scheduled call announced and pinned, 🔔 Remind me (also for someone who never started the bot),
 * the announcement edited as the call starts and ends, and the private reminders.
 * A reminder "minute" is 1 s here (limits.reminderMinuteMs).
 */
describe("announcements and reminders", () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ botLimits: { reminderMinuteMs: 1_000 } });
    // Olga opens her private chat with the bot, so it may write to her.
    await p.ask(DEMO.olga, DEMO.olga, "/start");
  });
  afterAll(async () => {
    await p?.close();
  });

  it("announces and pins a scheduled call, subscribes from the button or its deep link, and follows the call", async () => {
    const { reply: set } = await p.ask(DEMO.olga, DEMO.community, "/announce on");
    expect(set.text).toMatch(/^✅ Calls scheduled in «Demo Community» are announced there and pinned/);
    const { reply } = await p.ask(DEMO.olga, DEMO.community, "/newcall Town hall in 2h");
    await p.outcome(reply, /is scheduled/);

    const announcement = await p.sandbox.waitForBotMessage(DEMO.community, (m) => /^📅/.test(m.text ?? ""));
    expect(announcement.text).toContain("Video chat “Town hall” in «Demo Community»");
    expect(announcement.text).toContain("(Europe/Berlin, UTC+01:00)");
    expect(announcement.text).toContain("Join: https://t.me/demo_community?videochat");
    expect(p.sandbox.world.pinnedMessageId(DEMO.community)).toBe(announcement.id);
    const button = firstButton(announcement);
    expect(button?.text).toBe("🔔 Remind me");
    const data = button?.callback_data ?? "";
    const entryId = data.replace(/^rm:/, "");

    // Max never started the bot: he is given the deep link, and its /start subscribes him.
    const press = async (from: number) =>
      (await p.sandbox.pressButton({ from, chatId: DEMO.community, messageId: announcement.id, data }))
        .answer;
    const refused = await press(DEMO.max);
    const deepLink = `https://t.me/callbot_sandbox_bot?start=remind_${entryId}`;
    expect(refused.text).toBe(`Start me first, then I can message you: ${deepLink}`);
    expect(refused.url).toBe(deepLink);
    const { reply: started } = await p.ask(DEMO.max, DEMO.max, `/start remind_${entryId}`);
    expect(started.text).toMatch(
      /^🔔 I will remind you of the video chat “Town hall” in «Demo Community» 10 min before/,
    );

    // Olga can be written to: the press subscribes her and confirms privately.
    const accepted = await press(DEMO.olga);
    expect(accepted.text).toBe("🔔 I will remind you in a private message.");
    await p.sandbox.waitForBotMessage(DEMO.olga, (m) =>
      /I will remind you of the video chat “Town hall”/.test(m.text ?? ""),
    );

    // Started by hand in Telegram: the announcement says so, and both subscribers hear "live now".
    const call = p.sandbox.calls(DEMO.community).at(-1);
    if (!call) throw new Error("no call in Demo Community");
    p.sandbox.world.startScheduledGroupCall(DEMO.olga, call.id);
    const live = await p.sandbox.waitForEdit(DEMO.community, announcement.id, (m) =>
      /live now/.test(m.text ?? ""),
    );
    expect(live.text).toBe(
      "🔴 Video chat “Town hall” is live now in «Demo Community».\nJoin: https://t.me/demo_community?videochat",
    );
    for (const user of [DEMO.olga, DEMO.max]) {
      const reminder = await p.sandbox.waitForBotMessage(user, (m) => /live now/.test(m.text ?? ""));
      expect(reminder.text).toBe(
        "🔴 The video chat “Town hall” is live now in «Demo Community».\nJoin: https://t.me/demo_community?videochat",
      );
    }

    p.sandbox.world.discardGroupCall(DEMO.olga, call.id);
    await p.sandbox.waitForEdit(DEMO.community, announcement.id, (m) =>
      /^✅ Video chat “Town hall” in «Demo Community» has ended\.$/.test(m.text ?? ""),
    );
  });

  it("reminds N minutes before; without the pin right it posts unpinned and tells the requester once", async () => {
    const role = {
      status: "admin" as const,
      rights: { manageCall: true, deleteMessages: true, inviteUsers: true },
    };
    p.sandbox.setRole(DEMO.privateTeam, DEMO.bot, role);
    await p.ask(DEMO.olga, DEMO.privateTeam, "/announce on");
    const { reply: lead } = await p.ask(DEMO.olga, DEMO.privateTeam, "/announce remind 55");
    expect(lead.text).toContain("55 min before");
    const { reply } = await p.ask(DEMO.olga, DEMO.privateTeam, "/newcall Retro in 1m");
    await p.outcome(reply, /is scheduled/);

    const announcement = await p.sandbox.waitForBotMessage(DEMO.privateTeam, (m) => /^📅/.test(m.text ?? ""));
    expect(announcement.text).toContain("Join from the chat's header when it starts.");
    expect(p.sandbox.world.pinnedMessageId(DEMO.privateTeam)).toBeUndefined();
    const hint = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => /could not pin it/.test(m.text ?? ""));
    expect(hint.text).toContain('"Pin messages" right');

    const data = firstButton(announcement)?.callback_data ?? "";
    await p.sandbox.pressButton({
      from: DEMO.olga,
      chatId: DEMO.privateTeam,
      messageId: announcement.id,
      data,
    });
    // 55 "minutes" of 1 s before a call 60 s away: about 5 s from now.
    const reminder = await p.sandbox.waitForBotMessage(DEMO.olga, (m) => /^⏰/.test(m.text ?? ""), {
      timeoutMs: 20_000,
    });
    expect(reminder.text).toMatch(
      /^⏰ The video chat “Retro” in «Private Team» starts in 55 min, at .+\(Europe\/Berlin/,
    );
    expect(reminder.text).toContain("Join from «Private Team»'s header.");
    expect(
      p.sandbox.botMessages(DEMO.olga).filter((m) => /could not pin it/.test(m.text ?? "")),
    ).toHaveLength(1);
  }, 40_000);
});
