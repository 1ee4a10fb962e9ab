import { describe, expect, it } from "vitest";
import {
  configSecrets,
  createLogger,
  createSecretScrubber,
  loadBotConfig,
  loadWorkerConfig,
} from "../src/index.ts";

const TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const TOKEN_SECRET_PART = "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SESSION = "1BVtsOKABu5xq3Lw0Yf8n+Zs/QyE2mHcWp9rTuVa7bNdXkJ4gIhL6oMe=";

/** A logger whose output lines the test reads. */
function capturedLogger(level: "info" | "debug" = "info") {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    secrets: [TOKEN, SESSION],
    name: "test",
    destination: { write: (line: string) => lines.push(line) },
  });
  const output = () => lines.join("");
  return { logger, lines, output };
}

function expectNoSecret(output: string) {
  expect(output).not.toContain(TOKEN);
  expect(output).not.toContain(TOKEN_SECRET_PART);
  expect(output).not.toContain(SESSION);
  expect(output).not.toContain(encodeURIComponent(SESSION));
  expect(output).toContain("[redacted]");
}

describe("createLogger", () => {
  it("leaves out the request an error carries (grammY's payload), whose text may hold a stream key", () => {
    const { logger, output } = capturedLogger();
    const key = "1500000006:wUbn0StreamKeyNobodyListed";
    // The shape of grammY's GrammyError: enumerable method, payload (the request), code, description.
    const error = Object.assign(
      new Error("Call to 'sendMessage' failed! (429: Too Many Requests: retry after 120)"),
      {
        method: "sendMessage",
        payload: { chat_id: 1001, text: `Stream key: ${key}` },
        error_code: 429,
        description: "Too Many Requests: retry after 120",
      },
    );
    logger.warn({ err: error }, "delivering a result failed");
    expect(output()).not.toContain(key);
    expect(output()).toContain("Too Many Requests");
    expect(output()).toContain("sendMessage");
  });

  it("redacts secret fields by name, at the top level and nested", () => {
    const { logger, lines, output } = capturedLogger();
    logger.info({ botToken: "some-other-token-value", config: { tgSession: "another-session" } }, "started");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({
      msg: "started",
      name: "test",
      botToken: "[redacted]",
      config: { tgSession: "[redacted]" },
    });
    expect(output()).not.toContain("some-other-token-value");
    expect(output()).not.toContain("another-session");
  });

  it("scrubs secret values in any field at any depth, and in arrays", () => {
    const { logger, output } = capturedLogger();
    logger.info({ request: { headers: { note: `token=${TOKEN}` }, list: ["a", SESSION] } }, "deep");
    expectNoSecret(output());
    expect(output()).toContain('"note":"token=[redacted]"');
  });

  it("scrubs messages, including interpolated ones", () => {
    const { logger, output } = capturedLogger();
    logger.info(`template ${TOKEN}`);
    logger.info("printf %s and %j", SESSION, { s: SESSION });
    logger.info({ n: 1 }, "object then message with %s", TOKEN);
    expectNoSecret(output());
  });

  it("scrubs an error's message, stack and cause, and keeps it an error", () => {
    const { logger, lines, output } = capturedLogger();
    const cause = new Error(`session ${SESSION} rejected`);
    const error = new Error(`GET https://api.telegram.org/bot${TOKEN}/getMe failed`, { cause });
    logger.error(error);
    logger.error({ err: error }, "while starting");
    logger.warn({ context: { failure: error } }, "nested error");
    expectNoSecret(output());
    const first = JSON.parse(lines[0] ?? "");
    expect(first.msg).toBe("GET https://api.telegram.org/bot[redacted]/getMe failed");
    expect(first.err.type).toBe("Error");
    expect(first.err.stack).toContain("at ");
    expect(first.err.stack).toContain("bot[redacted]/getMe");
    expect(JSON.stringify(first.err)).toContain("session [redacted] rejected");
    expect(JSON.parse(lines[1] ?? "").msg).toBe("while starting");
  });

  it("scrubs the token's secret part inside a Bot API URL, also when split from its id or URL-encoded", () => {
    const { logger, output } = capturedLogger();
    logger.info(`POST /bot${TOKEN}/sendMessage`);
    logger.info(`only the secret part: ${TOKEN_SECRET_PART}`);
    logger.info(`encoded: ${encodeURIComponent(TOKEN)} and ${encodeURIComponent(SESSION)}`);
    expectNoSecret(output());
    expect(output()).toContain("POST /bot[redacted]/sendMessage");
  });

  it("scrubs a bot token in a Bot API URL even when nobody listed it", () => {
    const { logger, output } = capturedLogger();
    logger.info("calling http://127.0.0.1:8081/bot42:UnlistedTokenSecret_Part-9/getUpdates");
    expect(output()).not.toContain("UnlistedTokenSecret_Part-9");
    expect(output()).toContain("/bot[redacted]/getUpdates");
  });

  it("scrubs child bindings and objects pino prints by itself (class instances)", () => {
    const { logger, output } = capturedLogger();
    logger.child({ worker: `with ${SESSION}` }).info("child");
    logger.info({ buffer: Buffer.from(TOKEN), date: new Date(0) }, "buffer");
    logger.info(
      {
        custom: new (class Holder {
          value = SESSION;
        })(),
      },
      "class instance",
    );
    expectNoSecret(output());
  });

  it("respects the level and never writes below it", () => {
    const { logger, lines } = capturedLogger("info");
    logger.debug(`debug ${TOKEN}`);
    expect(lines).toEqual([]);
  });

  it("keeps the secrets of a loaded config out with configSecrets", () => {
    const lines: string[] = [];
    const bot = loadBotConfig({
      BOT_TOKEN: TOKEN,
      OWNER_IDS: "1",
      REDIS_URL: "redis://:redis-pass-1@h:6379",
    });
    const worker = loadWorkerConfig({
      TG_API_ID: "1",
      TG_API_HASH: "0123456789abcdef0123456789abcdef",
      TG_SESSION: SESSION,
    });
    const logger = createLogger({
      level: "info",
      secrets: [...configSecrets(bot), ...configSecrets(worker)],
      name: "launcher",
      destination: { write: (line: string) => lines.push(line) },
    });
    logger.info({ bot, worker }, "config");
    logger.info({ raw: { ...bot }, url: bot.redisUrl, hash: worker.tgApiHash }, "spread config");
    const output = lines.join("");
    expectNoSecret(output);
    expect(output).not.toContain("redis-pass-1");
    expect(output).not.toContain("0123456789abcdef0123456789abcdef");
  });
});

describe("createSecretScrubber", () => {
  it("ignores empty and very short secrets rather than wrecking every line", () => {
    const scrub = createSecretScrubber(["", "ab", TOKEN]);
    expect(scrub("ab cd")).toBe("ab cd");
    expect(scrub(`x${TOKEN}x`)).toBe("x[redacted]x");
  });
});
