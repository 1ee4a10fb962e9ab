import { describe, expect, it } from "vitest";
import {
  categoriseTelegramError,
  describeTelegramError,
  type ErrorCategory,
  formatWait,
  isKnownTelegramError,
  parseTelegramErrorName,
  TELEGRAM_ERROR_CATALOGUE,
} from "../src/index.ts";

const context = {
  chatTitle: "Demo Community",
  chatUsername: "demo_community",
  userbotName: "@callbot_assistant",
};

// Every error of "Errors a user of this product can meet" (telegram-group-calls.md) and callbot's
// own names, with the category and the words the user must read to know what to do.
const TABLE: [name: string, category: ErrorCategory, mustSay: (string | RegExp)[]][] = [
  [
    "CHAT_ADMIN_REQUIRED",
    "user",
    [
      "The assistant account @callbot_assistant is not allowed to start video chats in «Demo Community». Make @callbot_assistant an admin of «Demo Community» with the right “Manage video chats”, then send the command again.",
    ],
  ],
  ["CHANNEL_PRIVATE", "user", ["cannot see «Demo Community»", "Add @callbot_assistant to «Demo Community»"]],
  ["PEER_ID_INVALID", "user", ["does not know «Demo Community»", "Add @callbot_assistant"]],
  ["CHAT_ID_INVALID", "user", ["does not know «Demo Community»", "Add @callbot_assistant"]],
  ["CHANNEL_INVALID", "user", ["cannot reach «Demo Community»", "@callbot_assistant is a member"]],
  ["USER_BANNED_IN_CHANNEL", "user", ["banned or restricted in «Demo Community»", "Lift the ban"]],
  [
    "GROUPCALL_ANONYMOUS_FORBIDDEN",
    "user",
    ["is an anonymous admin of «Demo Community»", "Turn off “Remain anonymous” for @callbot_assistant"],
  ],
  ["ANONYMOUS_CALLS_DISABLED", "user", ["«Demo Community» does not allow", "Turn off “Remain anonymous”"]],
  ["INVITE_HASH_EXPIRED", "user", ["expired before it could join", "Tap “Add the assistant” again"]],
  ["INVITE_HASH_INVALID", "user", ["no longer works", "Tap “Add the assistant” again"]],
  ["INVITE_LINK_MISSING", "user", ["expired while the request waited", "Tap “Add the assistant” again"]],
  ["INVITE_REQUEST_SENT", "user", ["approves new members by hand", "Approve its request"]],
  ["CHANNELS_TOO_MUCH", "user", ["in too many chats", "leave chats"]],
  ["USER_CHANNELS_TOO_MUCH", "user", ["in too many chats", "leave chats"]],
  ["SCHEDULE_DATE_INVALID", "user", ["at most 8 days ahead", "Send the command again"]],
  ["SCHEDULE_DATE_TOO_LATE", "user", ["at most 8 days in advance", "earlier time"]],
  [
    "CREATE_CALL_FAILED",
    "retry",
    ["could not create the video chat in «Demo Community»", "Try again in a few minutes"],
  ],
  ["GROUPCALL_ALREADY_DISCARDED", "permanent", ["has already ended", "start a new one"]],
  ["GROUPCALL_ALREADY_STARTED", "permanent", ["has already started", "one per chat", "end it"]],
  [
    "GROUPCALL_FORBIDDEN",
    "user",
    ["may not manage the video chat in «Demo Community»", "“Manage video chats”"],
  ],
  ["GROUPCALL_INVALID", "permanent", ["no longer exists", "start a new one"]],
  ["GROUPCALL_NOT_MODIFIED", "permanent", ["Nothing to change"]],
  ["PUBLIC_CHANNEL_MISSING", "permanent", ["only for public chats", "«Demo Community» is private"]],
  [
    "FLOOD_WAIT",
    "flood",
    ["asked the assistant account @callbot_assistant to slow down", "again in 5 minutes"],
  ],
  ["SLOWMODE_WAIT", "flood", ["Slow mode is on in «Demo Community»", "again in 5 minutes"]],
  [
    "AUTH_KEY_DUPLICATED",
    "session",
    ["@callbot_assistant cannot act right now", "log the assistant in again"],
  ],
  ["AUTH_KEY_UNREGISTERED", "session", ["login stopped working", "Nothing was done"]],
  ["SESSION_REVOKED", "session", ["login stopped working"]],
  ["SESSION_EXPIRED", "session", ["login stopped working"]],
  [
    "SESSION_DIED_AFTER_CREATE",
    "session",
    ["lost its Telegram login while it was creating", "look in «Demo Community» before you ask again"],
  ],
  [
    "USER_DEACTIVATED",
    "session",
    ["@callbot_assistant has been deleted or deactivated", "new assistant account"],
  ],
  ["USER_DEACTIVATED_BAN", "session", ["Telegram has banned the assistant account @callbot_assistant"]],
  ["TIMEOUT", "retry", ["did not answer in time", "Look in «Demo Community»"]],
  ["STALLED", "retry", ["interrupted twice", "tell the bot's operator"]],
  ["NETWORK", "retry", ["could not reach Telegram", "Try again in a few minutes"]],
  ["INTERNAL", "retry", ["internal problem", "Try again in a few minutes"]],
  [
    "RECORDING_NOT_DELIVERED",
    "retry",
    ["has not delivered the recording to the Saved Messages of @callbot_assistant", "forward it by hand"],
  ],
  ["CHAT_WRITE_FORBIDDEN", "user", ["may not post in «Demo Community»", "Add @callbot_assistant"]],
  ["SCHEDULE_TOO_SOON_AT_RUN", "user", ["came too close while your request waited", "later time"]],
  ["REQUESTER_RIGHTS_REVOKED", "user", ["no longer the owner of «Demo Community»", "Ask the chat's owner"]],
  [
    "RTMP_OWNER_ONLY",
    "user",
    ["Only the owner of «Demo Community» can start a livestream", 'without "rtmp"'],
  ],
  [
    "RTMP_KEY_OWNER_ONLY",
    "user",
    ["Only the owner of «Demo Community» can replace the livestream's key", "Ask the owner"],
  ],
  [
    "RTMP_ROTATION_UNCONFIRMED",
    "retry",
    ["did not confirm the new livestream key for «Demo Community»", "Send /rotatekey again"],
  ],
  ["INVALID_CALL_ACTION", "permanent", ["request was incomplete", "Please tell the bot's operator."]],
  ["NO_CALL_IN_UPDATES", "permanent", ["did not confirm a video chat", "Look in «Demo Community»"]],
  ["UNKNOWN", "permanent", ["Please tell the bot's operator."]],
];

describe("the Telegram error catalogue", () => {
  it("has exactly the errors of the table, so none is left without a message", () => {
    expect(Object.keys(TELEGRAM_ERROR_CATALOGUE).sort()).toEqual(TABLE.map(([name]) => name).sort());
  });

  it.each(TABLE)("%s is %s and tells the user what to do", (name, category, mustSay) => {
    const description = describeTelegramError(name, { ...context, retryAfter: 300 });
    expect(description.category).toBe(category);
    expect(categoriseTelegramError(name)).toBe(category);
    expect(description.known).toBe(true);
    for (const words of mustSay) expect(description.userMessage).toMatch(words);
    // The raw name is for the operator, never what the user reads.
    expect(description.userMessage).not.toContain(name);
    expect(description.operatorMessage).toMatch(new RegExp(`^${name}\\b`));
    // Plain text: no Markdown or HTML that a plain-text message would show as symbols.
    expect(description.userMessage).not.toMatch(/[<>*`]|\]\(/);
  });

  it.each(TABLE)("%s reads well without any context", (name) => {
    const message = describeTelegramError(name).userMessage;
    expect(message).not.toMatch(/undefined|«»|@@|\s{2}/);
    expect(message).toMatch(/^[A-Z«]/);
    expect(message).toMatch(/[.]$/);
  });

  it("falls back to the chat's username, then to plain words, and adds a missing @", () => {
    expect(
      describeTelegramError("CHAT_ADMIN_REQUIRED", {
        chatUsername: "demo_community",
        userbotName: "callbot_assistant",
      }).userMessage,
    ).toBe(
      "The assistant account @callbot_assistant is not allowed to start video chats in @demo_community. Make @callbot_assistant an admin of @demo_community with the right “Manage video chats”, then send the command again.",
    );
    expect(describeTelegramError("CHAT_ADMIN_REQUIRED").userMessage).toBe(
      "The assistant account is not allowed to start video chats in the chat. Make the assistant account an admin of the chat with the right “Manage video chats”, then send the command again.",
    );
  });

  it("for a livestream, CHAT_ADMIN_REQUIRED explains that only the chat's owner may stream, not the admin right", () => {
    const message = describeTelegramError("CHAT_ADMIN_REQUIRED", {
      chatTitle: "Demo Channel",
      userbotName: "@callbot_assistant",
      livestream: true,
    }).userMessage;
    expect(message).toBe(
      'Telegram lets only the owner of «Demo Channel» start a livestream, and @callbot_assistant is not its owner. Send the command without "rtmp" for a video chat, or run callbot\'s assistant on the account that owns «Demo Channel».',
    );
  });

  it.each([
    ["REQUESTER_RIGHTS_REVOKED", /no longer the owner of «Demo Channel»/],
    ["RTMP_OWNER_ONLY", /Only the owner of «Demo Channel» can start a livestream/],
  ])("the worker's own refusal %s is a user error with a what-to-do message", (name, text) => {
    const description = describeTelegramError(name, { chatTitle: "Demo Channel" });
    expect(description).toMatchObject({ category: "user", known: true });
    expect(description.userMessage).toMatch(text);
  });

  it("takes the wait from a raw FLOOD_WAIT_X name when no retryAfter is given", () => {
    const description = describeTelegramError("FLOOD_WAIT_30", context);
    expect(description).toMatchObject({ name: "FLOOD_WAIT", category: "flood", known: true });
    expect(description.userMessage).toContain("Send the command again in 30 seconds.");
    expect(description.operatorMessage).toContain("retry after 30 s");
    expect(describeTelegramError("SLOWMODE_WAIT_3600", context).userMessage).toContain("again in 1 hour");
    expect(describeTelegramError("FLOOD_WAIT", context).userMessage).toContain("again in a while");
  });

  it("names an unknown error for the operator in a plain message", () => {
    const description = describeTelegramError("XYZ_ERROR", context);
    expect(description).toEqual({
      name: "XYZ_ERROR",
      category: "permanent",
      userMessage: "Telegram refused with XYZ_ERROR. Please tell the bot's operator.",
      operatorMessage: "XYZ_ERROR: not in callbot's error catalogue",
      known: false,
    });
    expect(categoriseTelegramError("XYZ_ERROR")).toBe("permanent");
    // Names of Object.prototype's properties are not in the catalogue either.
    expect(isKnownTelegramError("constructor")).toBe(false);
    expect(isKnownTelegramError("CHAT_ADMIN_REQUIRED")).toBe(true);
  });
});

describe("parseTelegramErrorName", () => {
  it.each([
    ["FLOOD_WAIT_30", { name: "FLOOD_WAIT", seconds: 30 }],
    ["SLOWMODE_WAIT_10", { name: "SLOWMODE_WAIT", seconds: 10 }],
    ["FLOOD_PREMIUM_WAIT_5", { name: "FLOOD_PREMIUM_WAIT", seconds: 5 }],
    ["CHAT_ADMIN_REQUIRED", { name: "CHAT_ADMIN_REQUIRED" }],
    ["  GROUPCALL_INVALID \n", { name: "GROUPCALL_INVALID" }],
    ["400: CHAT_ADMIN_REQUIRED (caused by phone.CreateGroupCall)", { name: "CHAT_ADMIN_REQUIRED" }],
    ["420: FLOOD_WAIT_7 (caused by phone.CreateGroupCall)", { name: "FLOOD_WAIT", seconds: 7 }],
    [
      "A wait of 42 seconds is required (caused by phone.CreateGroupCall)",
      { name: "FLOOD_WAIT", seconds: 42 },
    ],
    ["FLOOD", { name: "FLOOD_WAIT" }],
    ["TIMEOUT", { name: "TIMEOUT" }],
    ["Request was unsuccessful 5 time(s)", { name: "UNKNOWN" }],
    ["", { name: "UNKNOWN" }],
  ])("%j -> %j", (raw, expected) => {
    expect(parseTelegramErrorName(raw)).toEqual(expected);
  });
});

describe("formatWait", () => {
  it.each([
    [0, "1 second"],
    [1, "1 second"],
    [45, "45 seconds"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [300, "5 minutes"],
    [3600, "1 hour"],
    [3720, "1 hour 2 minutes"],
    [86400, "24 hours"],
  ])("%i s -> %s", (seconds, expected) => {
    expect(formatWait(seconds)).toBe(expected);
  });
});
