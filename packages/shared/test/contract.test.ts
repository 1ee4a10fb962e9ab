import { describe, expect, it } from "vitest";
import {
  CallActionRequestSchema,
  type CreateCallRequest,
  CreateCallRequestSchema,
  callActionOrigin,
  callActionVersion,
  hasDeliveredSecrets,
  jobIdForCommand,
  MAX_CALL_TITLE_LENGTH,
  ResultsMessageSchema,
  UserbotIdentitySchema,
  userbotIdentityKey,
  withoutDeliveredSecrets,
} from "../src/index.ts";

const request: CreateCallRequest = {
  v: 1,
  kind: "create-call",
  requestId: jobIdForCommand(-1001500000001, 42),
  requester: { userId: 1001, chatId: -1001500000001, messageId: 42 },
  ack: { chatId: -1001500000001, messageId: 43 },
  target: { chatId: -1001500000001, username: "demo_community", title: "Demo Community" },
  title: "Standup",
  rtmp: false,
  timeZone: "Europe/Berlin",
  requestedAt: 1_800_000_000_000,
};

describe("the create-call request (v1)", () => {
  it("accepts a complete request, with and without the optional fields", () => {
    expect(CreateCallRequestSchema.parse(request)).toEqual(request);
    const { title: _title, ...withoutTitle } = request;
    expect(CreateCallRequestSchema.safeParse({ ...withoutTitle, scheduleDate: 1_800_000_600 }).success).toBe(
      true,
    );
  });

  it.each([
    ["another version", { v: 2 }, ["v"]],
    ["a title longer than Telegram allows", { title: "x".repeat(MAX_CALL_TITLE_LENGTH + 1) }, ["title"]],
    ["an empty title", { title: "" }, ["title"]],
    [
      "a target that is a user, not a group",
      { target: { chatId: 1001, title: "Olga" } },
      ["target", "chatId"],
    ],
    ["a schedule date that is not whole seconds", { scheduleDate: 1.5 }, ["scheduleDate"]],
    ["no idempotency key", { requestId: "" }, ["requestId"]],
  ])("refuses %s, naming the field", (_case, change, path) => {
    const result = CreateCallRequestSchema.safeParse({ ...request, ...change });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
  });
});

describe("the results message (v1)", () => {
  it("carries a created call, a failure, a delay or a worker alert", () => {
    const created = {
      v: 1,
      kind: "create-call",
      request,
      outcome: {
        status: "created",
        call: { id: "5000000001", accessHash: "-8000000000000000001", title: "Standup", rtmp: false },
      },
      finishedAt: 1_800_000_001_000,
    };
    const failed = {
      ...created,
      outcome: { status: "failed", failure: { errorName: "FLOOD_WAIT", category: "flood", retryAfter: 30 } },
    };
    const delayed = { ...created, outcome: { status: "delayed", delaySeconds: 30 } };
    const alert = {
      v: 1,
      kind: "worker-alert",
      alert: "session-dead",
      errorName: "AUTH_KEY_UNREGISTERED",
      at: 1,
    };
    for (const message of [created, failed, delayed, alert]) {
      expect(ResultsMessageSchema.safeParse(message).success).toBe(true);
    }
  });

  it("refuses a failure with a category that does not exist, and a call id that is not a long", () => {
    const base = { v: 1, kind: "create-call", request, finishedAt: 1 };
    expect(
      ResultsMessageSchema.safeParse({
        ...base,
        outcome: { status: "failed", failure: { errorName: "X", category: "maybe" } },
      }).success,
    ).toBe(false);
    expect(
      ResultsMessageSchema.safeParse({
        ...base,
        outcome: { status: "created", call: { id: "12abc", accessHash: "1", rtmp: false } },
      }).success,
    ).toBe(false);
  });
});

describe("the userbot identity", () => {
  it("is stored under the BullMQ prefix", () => {
    expect(userbotIdentityKey("test-1")).toBe("test-1:userbot-identity");
    expect(
      UserbotIdentitySchema.safeParse({
        userId: 2001,
        username: "callbot_assistant",
        firstName: "A",
        since: 1,
      }).success,
    ).toBe(true);
  });
});

describe("the origin of a call action", () => {
  const action = { requester: { userId: 1001, chatId: -1001500000001 } };
  it("is what the job says", () => {
    expect(callActionOrigin({ ...action, origin: "autostart" })).toBe("autostart");
    expect(callActionOrigin({ ...action, origin: "user", onlyIfScheduled: true })).toBe("user");
  });
  it("is read from the older marks in jobs queued before the field existed", () => {
    expect(callActionOrigin({ ...action, onlyIfScheduled: true })).toBe("autostart");
    expect(callActionOrigin({ requester: { userId: 0, chatId: -1001500000001 } })).toBe("autostart");
    expect(callActionOrigin(action)).toBe("user");
  });
});

describe("a result without its delivered secrets", () => {
  it("keeps everything but stream keys and invite links, at any depth, also for data that breaks the contract", () => {
    const delivered = {
      kind: "create-call",
      outcome: {
        status: "created",
        call: { id: "1", accessHash: "2", rtmp: true, inviteLink: "https://t.me/x?videochat=HASH" },
        rtmpCredentials: { url: "rtmps://dc4-1.rtmp.t.me/s/", key: "1:KEY" },
      },
      extra: [{ inviteLink: "https://t.me/y?videochat=OTHER" }],
    };
    expect(hasDeliveredSecrets(delivered)).toBe(true);
    const kept = withoutDeliveredSecrets(delivered);
    expect(kept).toEqual({
      kind: "create-call",
      outcome: { status: "created", call: { id: "1", accessHash: "2", rtmp: true } },
      extra: [{}],
    });
    expect(hasDeliveredSecrets(kept)).toBe(false);
    expect(JSON.stringify(kept)).not.toMatch(/KEY|HASH|OTHER/);
  });
});

describe("call-action version 2: the in-call controls", () => {
  const action = {
    kind: "call-action",
    requestId: "act_record-start_r1",
    origin: "user",
    requester: { userId: 1001, chatId: -1001500000001 },
    target: { chatId: -1001500000001, username: "demo_community", title: "Demo Community" },
    call: { id: "1", accessHash: "2" },
    timeZone: "Europe/Berlin",
    requestedAt: 1_800_000_000_000,
  };

  it("an in-call control is written as version 2, every older action still as version 1", () => {
    expect(callActionVersion("record-start")).toBe(2);
    expect(callActionVersion("forward-recording")).toBe(2);
    expect(callActionVersion("rename")).toBe(1);
    expect(
      CallActionRequestSchema.safeParse({
        ...action,
        v: 2,
        action: "record-start",
        recording: { video: true, portrait: false },
      }).success,
    ).toBe(true);
    // A version-1 reader would not know it: the schema refuses it under version 1, naming `v`.
    const old = CallActionRequestSchema.safeParse({ ...action, v: 1, action: "record-start" });
    expect(old.error?.issues.map((issue) => issue.path)).toContainEqual(["v"]);
    expect(CallActionRequestSchema.safeParse({ ...action, v: 1, action: "end" }).success).toBe(true);
  });

  it("an invitee needs a username, or an id with the message they were seen in", () => {
    const invite = (invitees: unknown[]) =>
      CallActionRequestSchema.safeParse({ ...action, v: 2, action: "invite-users", invitees }).success;
    expect(invite([{ label: "@max_member", username: "max_member" }])).toBe(true);
    expect(invite([{ label: "Nina", userId: 1003, seenIn: { chatId: -1001500000001, messageId: 9 } }])).toBe(
      true,
    );
    expect(invite([{ label: "Nina", userId: 1003 }])).toBe(false);
    expect(invite([])).toBe(false);
  });

  it("a speaker link is a delivered secret, forgotten like a stream key", () => {
    const result = { outcome: { status: "done", speakerLink: "https://t.me/demo_community?voicechat=abc" } };
    expect(hasDeliveredSecrets(result)).toBe(true);
    expect(withoutDeliveredSecrets(result)).toEqual({ outcome: { status: "done" } });
  });
});
