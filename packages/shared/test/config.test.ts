import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  configSecrets,
  describeConfig,
  exitOnConfigError,
  loadBotConfig,
  loadWorkerConfig,
} from "../src/index.ts";

const TOKEN = "123456:ABCdefGhIJKlmNoPQRsTUVwxyZ012345678";
const SESSION = "1BQANOTAREALSESSIONbutLongEnoughToLookLikeOne+/==";
const API_HASH = "0123456789abcdef0123456789abcdef";

const botEnv = { BOT_TOKEN: TOKEN, OWNER_IDS: "1001, 1002" };
const workerEnv = { TG_API_ID: "12345", TG_API_HASH: API_HASH, TG_SESSION: SESSION };

function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError, but the config loaded");
}

describe("loadBotConfig", () => {
  it("parses a complete environment and applies the defaults", () => {
    const config = loadBotConfig(botEnv);
    expect(config).toEqual({
      kind: "bot",
      botToken: TOKEN,
      botApiRoot: undefined,
      ownerIds: [1001, 1002],
      redisUrl: "redis://127.0.0.1:6379",
      queuePrefix: "callbot",
      defaultTimeZone: "UTC",
      logLevel: "info",
      allowRedisEviction: false,
    });
  });

  it("reads every optional variable", () => {
    const config = loadBotConfig({
      ...botEnv,
      BOT_API_ROOT: "http://127.0.0.1:8081",
      REDIS_URL: "redis://:pw@10.0.0.5:6380/2",
      DEFAULT_TIME_ZONE: "Europe/Berlin",
      LOG_LEVEL: "DEBUG",
      ALLOW_REDIS_EVICTION: "1",
    });
    expect(config.botApiRoot).toBe("http://127.0.0.1:8081");
    expect(config.redisUrl).toBe("redis://:pw@10.0.0.5:6380/2");
    expect(config.defaultTimeZone).toBe("Europe/Berlin");
    expect(config.logLevel).toBe("debug");
    expect(config.allowRedisEviction).toBe(true);
  });

  it("lists every problem at once, each with the variable's meaning", () => {
    const error = configErrorOf(() =>
      loadBotConfig({
        BOT_API_ROOT: "https://api.example.org/",
        OWNER_IDS: "12,abc,-3",
        DEFAULT_TIME_ZONE: "Mars/Olympus",
      }),
    );
    expect(error.problems).toEqual([
      "BOT_TOKEN is missing: the token @BotFather gave your bot, like 123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
      expect.stringMatching(
        /^BOT_API_ROOT is invalid \(.*must not end with "\/"; write https:\/\/api\.example\.org\): where the Bot API server is/,
      ),
      expect.stringMatching(
        /^OWNER_IDS is invalid \("abc" is not a positive user id; "-3" is not a positive user id\): the Telegram user ids/,
      ),
      expect.stringMatching(
        /^DEFAULT_TIME_ZONE is invalid \("Mars\/Olympus" is not an IANA time zone\): the IANA time zone/,
      ),
    ]);
    expect(error.message).toMatch(
      /^callbot cannot start: 4 configuration problems:\n {2}- BOT_TOKEN is missing/,
    );
  });

  it.each([
    ["an empty value counts as missing", { BOT_TOKEN: "", OWNER_IDS: "1" }, /^BOT_TOKEN is missing/],
    [
      "a malformed token",
      { BOT_TOKEN: "not a token", OWNER_IDS: "1" },
      /^BOT_TOKEN is invalid \(expected the bot's numeric id/,
    ],
    ["no owner at all", { BOT_TOKEN: TOKEN, OWNER_IDS: " , " }, /^OWNER_IDS is invalid \(no user id given\)/],
    [
      "an unknown log level",
      { ...botEnv, LOG_LEVEL: "loud" },
      /^LOG_LEVEL is invalid \(expected one of fatal/,
    ],
    [
      "a Redis URL of another scheme",
      { ...botEnv, REDIS_URL: "http://x" },
      /^REDIS_URL is invalid \(expected a URL starting with redis:\/\//,
    ],
    [
      "a cluster URL without nodes",
      { ...botEnv, REDIS_URL: "redis+cluster://:secret@" },
      /^REDIS_URL is invalid \(expected the cluster's nodes as host:port/,
    ],
    [
      "a cluster with a QUEUE_PREFIX without a hash tag",
      { ...botEnv, REDIS_URL: "redis+cluster://10.0.0.1:7000", QUEUE_PREFIX: "prod" },
      /^QUEUE_PREFIX: with a Redis Cluster .* like \{prod\}/,
    ],
    [
      "a Bot API root that is no URL",
      { ...botEnv, BOT_API_ROOT: "localhost" },
      /^BOT_API_ROOT is invalid \("localhost" is not a URL\)/,
    ],
    [
      "an eviction flag that is no flag",
      { ...botEnv, ALLOW_REDIS_EVICTION: "maybe" },
      /^ALLOW_REDIS_EVICTION is invalid/,
    ],
  ])("rejects %s", (_case, env, expected) => {
    const error = configErrorOf(() => loadBotConfig(env));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(expected);
  });

  it("never repeats a secret value in a problem", () => {
    const error = configErrorOf(() =>
      loadBotConfig({ BOT_TOKEN: "123:has spaces secret-ish", OWNER_IDS: "1" }),
    );
    expect(error.message).not.toContain("has spaces");
  });

  it("removes duplicate owner ids", () => {
    expect(loadBotConfig({ ...botEnv, OWNER_IDS: "7,7,8" }).ownerIds).toEqual([7, 8]);
  });
});

const RSA_PEM = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .publicKey.export({ format: "pem", type: "pkcs1" })
  .toString();

describe("loadWorkerConfig", () => {
  it("parses a complete environment with an inline session", () => {
    const config = loadWorkerConfig({ ...workerEnv, TG_DC: "127.0.0.1:4430" });
    expect(config).toEqual({
      kind: "worker",
      tgApiId: 12345,
      tgApiHash: API_HASH,
      tgSession: SESSION,
      tgSessionFile: undefined,
      tgDc: { host: "127.0.0.1", port: 4430 },
      redisUrl: "redis://127.0.0.1:6379",
      queuePrefix: "callbot",
      logLevel: "info",
      allowRedisEviction: false,
      production: false,
    });
  });

  it("reads the session from TG_SESSION_FILE at parse time", () => {
    const dir = mkdtempSync(join(tmpdir(), "callbot-config-"));
    const file = join(dir, "assistant.session");
    writeFileSync(file, `${SESSION}\n`);
    const config = loadWorkerConfig({ TG_API_ID: "1", TG_API_HASH: "x", TG_SESSION_FILE: file });
    expect(config.tgSession).toBe(SESSION);
    expect(config.tgSessionFile).toBe(file);
  });

  it.each([
    [
      "neither session variable",
      { TG_API_ID: "1", TG_API_HASH: "x" },
      /^TG_SESSION is missing: the assistant account's gramjs session string.*\(or TG_SESSION_FILE, a file holding it\)$/,
    ],
    [
      "both session variables",
      { ...workerEnv, TG_SESSION_FILE: "/tmp/x" },
      /^TG_SESSION and TG_SESSION_FILE are both set: set exactly one of them/,
    ],
    [
      "a session file that does not exist",
      { TG_API_ID: "1", TG_API_HASH: "x", TG_SESSION_FILE: "/nonexistent/callbot.session" },
      /^TG_SESSION_FILE is invalid \(cannot read \/nonexistent\/callbot\.session: ENOENT\)/,
    ],
    [
      "an api id that is no number",
      { ...workerEnv, TG_API_ID: "12a" },
      /^TG_API_ID is invalid \(expected a whole number\)/,
    ],
    [
      "a TG_DC without a port",
      { ...workerEnv, TG_DC: "149.154.167.50" },
      /^TG_DC is invalid \("149\.154\.167\.50" is not host:port/,
    ],
    ["a TG_DC with a port out of range", { ...workerEnv, TG_DC: "dc:70000" }, /^TG_DC is invalid/],
    [
      "a TG_DC_PUBLIC_KEY without TG_DC (it would be trusted for Telegram's own servers)",
      { ...workerEnv, TG_DC_PUBLIC_KEY: RSA_PEM },
      /^TG_DC_PUBLIC_KEY is invalid \(it is only trusted for the server TG_DC names: set TG_DC too, or unset it\)/,
    ],
    [
      "a TG_DC_PUBLIC_KEY that is no RSA key",
      {
        ...workerEnv,
        TG_DC: "127.0.0.1:4430",
        TG_DC_PUBLIC_KEY: "-----BEGIN RSA PUBLIC KEY-----\nnope\n-----END RSA PUBLIC KEY-----",
      },
      /^TG_DC_PUBLIC_KEY is invalid \(not an RSA public key in PEM form/,
    ],
    [
      "a connection deadline below a second",
      { ...workerEnv, TG_CONNECT_TIMEOUT_MS: "500" },
      /^TG_CONNECT_TIMEOUT_MS is invalid \("500" is not a whole number of milliseconds from 1000 to 600000\)/,
    ],
    [
      "a short api hash in production",
      { ...workerEnv, TG_API_HASH: "sandbox", NODE_ENV: "production" },
      /^TG_API_HASH is invalid \(expected 32 hex characters in production\)/,
    ],
  ])("rejects %s", (_case, env, expected) => {
    const error = configErrorOf(() => loadWorkerConfig(env));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(expected);
  });

  it("reports an empty session file", () => {
    const error = configErrorOf(() =>
      loadWorkerConfig(
        { TG_API_ID: "1", TG_API_HASH: "x", TG_SESSION_FILE: "/any" },
        { readTextFile: () => " \n" },
      ),
    );
    expect(error.problems).toEqual([expect.stringMatching(/^TG_SESSION_FILE is invalid \(\/any is empty\)/)]);
  });

  it("takes TG_DC_PUBLIC_KEY with TG_DC, also with its newlines written as \\n (one line in a .env file)", () => {
    const config = loadWorkerConfig({
      ...workerEnv,
      TG_DC: "127.0.0.1:4430",
      TG_DC_PUBLIC_KEY: RSA_PEM.trim().replace(/\n/g, "\\n"),
    });
    expect(config.tgDcPublicKey).toBe(RSA_PEM.trim());
  });

  it("takes TG_CONNECT_TIMEOUT_MS, and leaves the worker's default when it is unset", () => {
    expect(loadWorkerConfig({ ...workerEnv, TG_CONNECT_TIMEOUT_MS: "3000" }).tgConnectTimeoutMs).toBe(3_000);
    expect(loadWorkerConfig(workerEnv).tgConnectTimeoutMs).toBeUndefined();
  });

  it("accepts any api hash outside production (the sandbox has its own) and IPv6 in TG_DC", () => {
    const config = loadWorkerConfig({ ...workerEnv, TG_API_HASH: "sandbox-hash", TG_DC: "[::1]:443" });
    expect(config.tgApiHash).toBe("sandbox-hash");
    expect(config.tgDc).toEqual({ host: "::1", port: 443 });
  });

  it("lists the session problem together with the others", () => {
    const error = configErrorOf(() => loadWorkerConfig({}));
    expect(error.problems.map((problem) => problem.split(" ")[0])).toEqual([
      "TG_API_ID",
      "TG_API_HASH",
      "TG_SESSION",
    ]);
  });
});

describe("printing a config", () => {
  const bot = loadBotConfig({ ...botEnv, REDIS_URL: "redis://:hunter2-pw@redis.internal:6379" });
  const worker = loadWorkerConfig(workerEnv);

  it("describeConfig shows secrets as [redacted] and hides the Redis password", () => {
    expect(describeConfig(bot)).toMatchObject({
      botToken: "[redacted]",
      ownerIds: [1001, 1002],
      redisUrl: "redis://:***@redis.internal:6379",
    });
    expect(describeConfig(worker)).toMatchObject({
      tgSession: "[redacted]",
      tgApiHash: "[redacted]",
      tgApiId: 12345,
    });
  });

  it.each([
    ["JSON.stringify", (config: object) => JSON.stringify(config)],
    ["util.inspect (console.log)", (config: object) => inspect(config, { depth: 5 })],
    [
      "a template string of describeConfig",
      (config: object) => JSON.stringify(describeConfig(config as never)),
    ],
  ])("%s never shows a secret", (_how, print) => {
    const printed = `${print(bot)}\n${print(worker)}`;
    for (const secret of [TOKEN, SESSION, API_HASH, "hunter2-pw"]) expect(printed).not.toContain(secret);
    expect(printed).toContain("[redacted]");
  });

  it("configSecrets names the secrets to scrub from logs", () => {
    expect(configSecrets(bot)).toEqual([TOKEN, "hunter2-pw"]);
    expect(configSecrets(worker)).toEqual([SESSION, API_HASH]);
  });
});

describe("exitOnConfigError", () => {
  it("prints the message without a stack trace and exits 78", () => {
    const written: string[] = [];
    const exits: number[] = [];
    exitOnConfigError(() => loadBotConfig({}), {
      writeError: (text) => written.push(text),
      exit: ((code: number) => {
        exits.push(code);
        return undefined as never;
      }) as (code: number) => never,
    });
    expect(exits).toEqual([78]);
    expect(written.join("")).toMatch(
      /^callbot cannot start: 2 configuration problems:\n {2}- BOT_TOKEN is missing/,
    );
    expect(written.join("")).not.toMatch(/\bat .*\.ts:\d+/);
  });

  it("returns the config when it loads and re-throws errors that are not about configuration", () => {
    expect(exitOnConfigError(() => loadBotConfig(botEnv)).ownerIds).toEqual([1001, 1002]);
    expect(() =>
      exitOnConfigError(() => {
        throw new TypeError("a bug");
      }),
    ).toThrow(TypeError);
  });
});

describe("QUEUE_PREFIX", () => {
  const base = { BOT_TOKEN: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", OWNER_IDS: "1001" };

  it("defaults to callbot and accepts a plain name", () => {
    expect(loadBotConfig(base).queuePrefix).toBe("callbot");
    expect(loadBotConfig({ ...base, QUEUE_PREFIX: "staging-1" }).queuePrefix).toBe("staging-1");
  });

  it("is shown in the printed config of both processes, which must agree on it", () => {
    expect(describeConfig(loadBotConfig({ ...base, QUEUE_PREFIX: "staging-1" }))).toMatchObject({
      queuePrefix: "staging-1",
    });
    expect(describeConfig(loadWorkerConfig(workerEnv))).toMatchObject({ queuePrefix: "callbot" });
  });

  it("refuses a prefix with ':' (BullMQ's key separator) and says what is allowed", () => {
    expect(() => loadBotConfig({ ...base, QUEUE_PREFIX: "a:b" })).toThrow(/QUEUE_PREFIX.*letters, digits/s);
  });
});

describe("webhook mode", () => {
  const base = { BOT_TOKEN: "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", OWNER_IDS: "1001" };
  const secret = "0123456789abcdef0123456789abcdef";

  it("is off (long polling) unless WEBHOOK_URL is set", () => {
    expect(loadBotConfig(base).webhook).toBeUndefined();
  });

  it("reads the URL, the secret and where to listen; the secret never shows when printed", () => {
    const config = loadBotConfig({
      ...base,
      WEBHOOK_URL: "https://bot.example.com/telegram",
      WEBHOOK_SECRET: secret,
      WEBHOOK_LISTEN: "127.0.0.1:9000",
    });
    expect(config.webhook).toEqual({
      url: "https://bot.example.com/telegram",
      secret,
      listen: { host: "127.0.0.1", port: 9000 },
    });
    expect(JSON.stringify(config)).not.toContain(secret);
    expect(configSecrets(config)).toContain(secret);
  });

  it("listens on 127.0.0.1:8080 unless WEBHOOK_LISTEN says otherwise: the HTTPS proxy in front runs on the same host", () => {
    const config = loadBotConfig({
      ...base,
      WEBHOOK_URL: "https://bot.example.com/telegram",
      WEBHOOK_SECRET: secret,
    });
    expect(config.webhook?.listen).toEqual({ host: "127.0.0.1", port: 8080 });
  });

  it("reads WEBHOOK_MAX_CONNECTIONS (1-100) and refuses anything else, saying what it is for", () => {
    const webhookEnv = { ...base, WEBHOOK_URL: "https://bot.example.com/telegram", WEBHOOK_SECRET: secret };
    expect(loadBotConfig(webhookEnv).webhook?.maxConnections).toBeUndefined();
    expect(loadBotConfig({ ...webhookEnv, WEBHOOK_MAX_CONNECTIONS: "60" }).webhook?.maxConnections).toBe(60);
    for (const wrong of ["0", "101", "forty"])
      expect(() => loadBotConfig({ ...webhookEnv, WEBHOOK_MAX_CONNECTIONS: wrong })).toThrow(
        /WEBHOOK_MAX_CONNECTIONS.*not a whole number from 1 to 100.*bot replicas/s,
      );
  });

  it("refuses a webhook without a secret, and a weak secret, saying what to set", () => {
    expect(() => loadBotConfig({ ...base, WEBHOOK_URL: "https://bot.example.com/telegram" })).toThrow(
      /WEBHOOK_SECRET is missing/,
    );
    expect(() =>
      loadBotConfig({ ...base, WEBHOOK_URL: "https://bot.example.com/telegram", WEBHOOK_SECRET: "short" }),
    ).toThrow(/WEBHOOK_SECRET.*16 to 256 characters/s);
  });
});

describe("METRICS_LISTEN: /healthz, /readyz and /metrics", () => {
  it("serves nothing unless set, for the bot and the worker alike", () => {
    expect(loadBotConfig(botEnv).metricsListen).toBeUndefined();
    expect(loadWorkerConfig(workerEnv).metricsListen).toBeUndefined();
  });

  it("binds where it is told", () => {
    expect(loadBotConfig({ ...botEnv, METRICS_LISTEN: "127.0.0.1:9464" }).metricsListen).toEqual({
      host: "127.0.0.1",
      port: 9464,
    });
    expect(loadWorkerConfig({ ...workerEnv, METRICS_LISTEN: "[::1]:9465" }).metricsListen).toEqual({
      host: "::1",
      port: 9465,
    });
  });

  it("refuses what is not host:port and says what it means", () => {
    expect(() => loadWorkerConfig({ ...workerEnv, METRICS_LISTEN: "9464" })).toThrow(
      /METRICS_LISTEN.*not host:port.*\/metrics/s,
    );
  });
});

describe("DASHBOARD_LISTEN, DASHBOARD_USER, DASHBOARD_PASSWORD: the queue dashboard", () => {
  const PASSWORD = "correct-horse-battery";

  it("serves nothing unless set", () => {
    expect(loadBotConfig(botEnv).dashboard).toBeUndefined();
  });

  it("may go without credentials on a loopback address only", () => {
    for (const listen of ["127.0.0.1:3000", "[::1]:3000", "localhost:3000"]) {
      expect(loadBotConfig({ ...botEnv, DASHBOARD_LISTEN: listen }).dashboard?.credentials).toBeUndefined();
    }
    const problems = configErrorOf(() =>
      loadBotConfig({ ...botEnv, DASHBOARD_LISTEN: "0.0.0.0:3000" }),
    ).problems;
    expect(problems.join("\n")).toMatch(
      /0\.0\.0\.0:3000 is reachable from other hosts.*DASHBOARD_USER and DASHBOARD_PASSWORD/,
    );
  });

  it("takes a user and a password together, and the password's length is checked", () => {
    const env = { ...botEnv, DASHBOARD_LISTEN: "0.0.0.0:3000" };
    expect(loadBotConfig({ ...env, DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: PASSWORD }).dashboard).toEqual({
      listen: { host: "0.0.0.0", port: 3000 },
      credentials: { user: "ops", password: PASSWORD },
    });
    expect(configErrorOf(() => loadBotConfig({ ...env, DASHBOARD_USER: "ops" })).problems.join("\n")).toMatch(
      /DASHBOARD_PASSWORD is missing/,
    );
    expect(
      configErrorOf(() =>
        loadBotConfig({ ...env, DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: "short" }),
      ).problems.join("\n"),
    ).toMatch(/DASHBOARD_PASSWORD is invalid \(shorter than 12 characters\)/);
    expect(
      configErrorOf(() =>
        loadBotConfig({ ...env, DASHBOARD_USER: "o:ps", DASHBOARD_PASSWORD: PASSWORD }),
      ).problems.join("\n"),
    ).toMatch(/DASHBOARD_USER is invalid.*no colon/);
    expect(
      configErrorOf(() =>
        loadBotConfig({ ...botEnv, DASHBOARD_USER: "ops", DASHBOARD_PASSWORD: PASSWORD }),
      ).problems.join("\n"),
    ).toMatch(/DASHBOARD_LISTEN is missing/);
  });

  it("never prints the password, and scrubs it from logs", () => {
    const config = loadBotConfig({
      ...botEnv,
      DASHBOARD_LISTEN: "127.0.0.1:3000",
      DASHBOARD_USER: "ops",
      DASHBOARD_PASSWORD: PASSWORD,
    });
    expect(JSON.stringify(config)).not.toContain(PASSWORD);
    expect(inspect(config, { depth: 5 })).not.toContain(PASSWORD);
    expect(describeConfig(config)).toMatchObject({
      dashboard: { listen: "127.0.0.1:3000", user: "ops", password: "[redacted]" },
    });
    expect(configSecrets(config)).toContain(PASSWORD);
  });
});
