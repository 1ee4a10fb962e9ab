import { describe, expect, it } from "vitest";
import { ASSISTANT_OFFLINE_TEXT } from "../src/assistant/assistant-offline.ts";
import { describeRefusal } from "../src/messages/describe-refusal.ts";

/*
 * Every refusal says why and what to do instead (the brief's rule for bad input). Each row pins
 * the reason and the way out; the sandbox tests check which refusal a situation gets.
 */
const CTX = { chat: "«Demo Community»", botUsername: "callbot_bot" };

type Refusal = Parameters<typeof describeRefusal>[0];

describe("describeRefusal", () => {
  it.each<[Refusal, RegExp, RegExp]>([
    ["not-found", /cannot find the chat «Demo Community»/, /add me to it first .* @callbot_bot/],
    [
      "bot-not-in-chat",
      /not a member of «Demo Community»/,
      /Add members .* @callbot_bot\. Then send the command again/,
    ],
    ["bot-needs-admin", /need to be an admin of «Demo Community»/, /Make me an admin .* @callbot_bot/],
    [
      "not-a-group",
      /«Demo Community» is a person/,
      /Name a group or channel: @username, t\.me link or -100… id/,
    ],
    ["not-admin", /Only the owner of «Demo Community» or its admins/, /Ask one of them, or ask the owner/],
    [
      "admin-without-video-chat-right",
      /admin of «Demo Community», but without the "Manage video chats" right/,
      /Ask the owner to turn it on/,
    ],
    [
      "livestream-needs-owner",
      /Only the owner of «Demo Community» can start a livestream/,
      /leave out "rtmp"/,
    ],
    [
      "anonymous-admin",
      /posting anonymously/,
      /Turn off "Remain anonymous"|private chat: \/newcall «Demo Community»/,
    ],
    [
      "channel-post",
      /cannot see who posts in a channel/,
      /private chat instead: \/newcall @«Demo Community»/,
    ],
    ["cooldown", /request for «Demo Community» is already being handled/, /wait a few seconds/],
    ["rate-limited", /sending \/newcall too often/, /wait a minute, then try again/],
    ["could-not-queue", /could not queue this request/, /Nothing was queued; please try again in a minute/],
  ])("%s: says why, and what to do", (refusal, why, whatToDo) => {
    const text = describeRefusal(refusal, CTX);
    expect(text).toMatch(why);
    expect(text).toMatch(whatToDo);
  });

  it("assistant-offline: the shared offline notice", () => {
    expect(describeRefusal("assistant-offline", CTX)).toBe(ASSISTANT_OFFLINE_TEXT);
  });

  it("a channel named with its @ is not given a second one", () => {
    expect(describeRefusal("channel-post", { ...CTX, chat: "@demo_channel" })).toContain(
      "/newcall @demo_channel [title] [time] [rtmp]",
    );
  });
});
