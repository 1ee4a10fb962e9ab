import { categoriseTelegramError } from "@callbot/shared";
import { Api, errors } from "telegram";
import { describe, expect, it } from "vitest";
import { CallJobError } from "../src/calls/call-job-error.ts";
import { readTelegramFailure } from "../src/calls/read-telegram-failure.ts";
import { FloodGateClosedError } from "../src/telegram/flood-gate.ts";
import { TelegramTimeoutError } from "../src/telegram/invoke-with-timeout.ts";

const request = new Api.phone.CreateGroupCall({ peer: new Api.InputPeerEmpty(), randomId: 1 });

describe("readTelegramFailure", () => {
  it("reads gramjs RPCError names and codes", () => {
    expect(readTelegramFailure(new errors.RPCError("CHAT_ADMIN_REQUIRED", request, 400))).toEqual({
      errorName: "CHAT_ADMIN_REQUIRED",
      code: 400,
    });
    expect(readTelegramFailure(new errors.RPCError("AUTH_KEY_UNREGISTERED", request, 401)).errorName).toBe(
      "AUTH_KEY_UNREGISTERED",
    );
  });

  it("reads flood waits from gramjs's FloodWaitError, raw names and our flood gate", () => {
    expect(readTelegramFailure(new errors.FloodWaitError({ request, capture: 30 }))).toEqual({
      errorName: "FLOOD_WAIT",
      code: 420,
      seconds: 30,
    });
    expect(readTelegramFailure(new errors.RPCError("FLOOD_WAIT_7", request, 420))).toMatchObject({
      errorName: "FLOOD_WAIT",
      seconds: 7,
    });
    expect(readTelegramFailure(new FloodGateClosedError(4))).toMatchObject({
      errorName: "FLOOD_WAIT",
      seconds: 4,
    });
  });

  it("turns Telegram's -503 Timeout into TIMEOUT, retried: the request may have been carried out", () => {
    expect(readTelegramFailure(new errors.RPCError("Timeout", request, -503))).toEqual({
      errorName: "TIMEOUT",
      code: -503,
    });
    expect(categoriseTelegramError("TIMEOUT")).toBe("retry");
  });

  it("turns 5xx answers and gramjs's lost-error retry message into INTERNAL (retried)", () => {
    expect(readTelegramFailure(new errors.RPCError("RPC_CALL_FAIL", request, 500)).errorName).toBe(
      "INTERNAL",
    );
    expect(readTelegramFailure(new Error("Request was unsuccessful 5 time(s)")).errorName).toBe("INTERNAL");
  });

  it("names timeouts, network failures, our own checks and plain bugs", () => {
    expect(readTelegramFailure(new TelegramTimeoutError("phone.CreateGroupCall", 15_000)).errorName).toBe(
      "TIMEOUT",
    );
    expect(
      readTelegramFailure(new Error("Cannot send requests while disconnected. Please reconnect.")).errorName,
    ).toBe("NETWORK");
    expect(readTelegramFailure(new CallJobError("SCHEDULE_TOO_SOON_AT_RUN", "5 s away", "user"))).toEqual({
      errorName: "SCHEDULE_TOO_SOON_AT_RUN",
      category: "user",
    });
    expect(readTelegramFailure(new TypeError("x is undefined")).errorName).toBe("UNKNOWN");
    expect(readTelegramFailure("weird")).toEqual({ errorName: "UNKNOWN" });
  });
});
