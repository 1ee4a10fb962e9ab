import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { Api, GrammyError } from "grammy";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_BOT_API_RETRY, installBotApiRetries } from "../src/telegram/bot-api-retries.ts";

/** The bot's Bot API retries against the sandbox's real HTTP server answering 5xx. */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: false });
});
afterAll(async () => {
  await sandbox.close();
});

function retryingApi(): Api {
  const api = new Api(sandbox.info.botToken, { apiRoot: sandbox.info.botApiRoot });
  installBotApiRetries(
    api,
    { ...DEFAULT_BOT_API_RETRY, serverErrorRetryDelayMs: 50 },
    pino({ level: "silent" }),
  );
  return api;
}

describe("5xx answers", () => {
  it("are tried again, backing off, and the call succeeds once Telegram answers", async () => {
    sandbox.faults.botApi({ method: "getMe", action: { kind: "5xx" }, times: 3 });
    const startedAt = Date.now();
    const me = await retryingApi().getMe();
    expect(me.is_bot).toBe(true);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(50 + 100 + 200);
  });

  it("are given to the caller after the third retry, with no fifth try", async () => {
    sandbox.faults.botApi({ method: "getMe", action: { kind: "5xx" }, times: 5 });
    const error = await retryingApi()
      .getMe()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect((error as GrammyError).error_code).toBeGreaterThanOrEqual(500);
    // The fifth 5xx is still armed: this call gets it, so four were used above.
    const next = await new Api(sandbox.info.botToken, { apiRoot: sandbox.info.botApiRoot })
      .getMe()
      .catch((e: unknown) => e);
    expect(next).toBeInstanceOf(GrammyError);
    expect(await retryingApi().getMe()).toMatchObject({ is_bot: true });
  });
});
