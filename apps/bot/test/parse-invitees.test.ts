import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { parseInvitees } from "../src/calls/parse-invitees.ts";

const CHAT = -1001500000001;
const BOT = 7000000001;

/** A message of the chat by `from`, as the Bot API gives reply_to_message. */
function messageBy(from: Message["from"], chatId = CHAT): Message {
  return { message_id: 9, date: 0, chat: { id: chatId, type: "supergroup", title: "Demo" }, from } as Message;
}

describe("/invite: whom it names", () => {
  it("reads @usernames and t.me links, once each, in order", () => {
    expect(parseInvitees("@max_member t.me/anna_k @Max_Member", undefined, CHAT, BOT)).toEqual({
      ok: true,
      invitees: [
        { label: "@max_member", username: "max_member" },
        { label: "@anna_k", username: "anna_k" },
      ],
    });
  });

  it("names the replied-to author by id and message, labelled by username or name", () => {
    const reply = messageBy({ id: 1003, is_bot: false, first_name: "Nina", last_name: "H" });
    expect(parseInvitees("", reply, CHAT, BOT)).toEqual({
      ok: true,
      invitees: [{ label: "Nina H", userId: 1003, seenIn: { chatId: CHAT, messageId: 9 } }],
    });
    const withName = messageBy({ id: 1004, is_bot: false, first_name: "Max", username: "max_member" });
    const both = parseInvitees("@max_member", withName, CHAT, BOT);
    expect(both.ok && both.invitees.map((i) => i.label)).toEqual(["@max_member"]);
  });

  it("leaves out bots, this bot and messages of another chat; nobody named asks how", () => {
    expect(parseInvitees("", messageBy({ id: BOT, is_bot: true, first_name: "bot" }), CHAT, BOT)).toEqual({
      ok: false,
    });
    expect(
      parseInvitees(
        "",
        messageBy({ id: 1003, is_bot: false, first_name: "Nina" }, -1001500000002),
        CHAT,
        BOT,
      ),
    ).toEqual({ ok: false });
  });

  it("refuses a word that is not a username, and more than 50 people", () => {
    const bad = parseInvitees("@max_member everyone", undefined, CHAT, BOT);
    expect(bad).toEqual({
      ok: false,
      reply:
        '"everyone" is not a username. Name people as @username (or reply to their message with /invite).',
    });
    const many = Array.from({ length: 51 }, (_, i) => `@user_${String(i).padStart(3, "0")}`).join(" ");
    expect(parseInvitees(many, undefined, CHAT, BOT)).toMatchObject({
      ok: false,
      reply: expect.stringContaining("at most 50"),
    });
  });
});
