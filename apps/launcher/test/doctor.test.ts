import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { botKeys, knownChats } from "@callbot/bot";
import { multiAssistantWorld, type Sandbox, SOLO_ROOM, startSandbox } from "@callbot/sandbox";
import { onlineAssistants, readAssistantRegistry } from "@callbot/shared";
import { freePort, PrivateRedis, waitFor } from "@callbot/test-support";
import { type CallWorker, startCallWorker } from "@callbot/worker";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const ASSISTANT_ID = 2001;

/** Runs `pnpm run doctor`'s entry point as an operator would: a child process with its own environment. */
function runDoctor(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "apps/launcher/src/doctor/main.ts"], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** A deployment's environment on the sandbox's demo world, its first assistant's session, Redis at `redisUrl`. */
function doctorEnv(
  on: { sandbox: Sandbox; redisUrl: string; prefix: string },
  overrides: Record<string, string> = {},
): Record<string, string> {
  const { sandbox } = on;
  const session = sandbox.info.sessions.callbot_assistant;
  if (!session) throw new Error("the demo world has no assistant session");
  return {
    BOT_TOKEN: sandbox.info.botToken,
    BOT_API_ROOT: sandbox.info.botApiRoot,
    OWNER_IDS: "1001",
    REDIS_URL: on.redisUrl,
    QUEUE_PREFIX: on.prefix,
    TG_API_ID: String(sandbox.info.apiId),
    TG_API_HASH: sandbox.info.apiHash,
    TG_SESSION: session,
    TG_DC: `${sandbox.info.mtproto.host}:${sandbox.info.mtproto.port}`,
    TG_DC_PUBLIC_KEY: sandbox.info.publicKey,
    ...overrides,
  };
}

describe("pnpm run doctor", () => {
  let sandbox: Sandbox;
  let redis: PrivateRedis;
  let evictingRedis: PrivateRedis;
  let worker: CallWorker | undefined;
  const prefix = `doctor-${randomUUID()}`;

  const deploymentEnv = (overrides: Record<string, string> = {}) =>
    doctorEnv({ sandbox, redisUrl: redis.url, prefix }, overrides);

  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimits: false });
    redis = await PrivateRedis.start();
    evictingRedis = await PrivateRedis.start({ args: ["--maxmemory-policy", "allkeys-lru"] });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await Promise.allSettled([sandbox?.close(), redis?.stop(), evictingRedis?.stop()]);
  });

  it("logs in once with the session when no worker holds it, and lets go of it afterwards", async () => {
    const { code, output } = await runDoctor(deploymentEnv());

    expect(output).toMatch(
      /✅ assistant session: no worker was running, so the doctor logged in once: @callbot_assistant/,
    );
    expect(code).toBe(0);
    // It really connected, and it closed its connection before exiting.
    expect(sandbox.mtprotoConnections(ASSISTANT_ID)).toEqual({ open: 0, peak: 1 });
  }, 60_000);

  it("passes a good deployment with a running worker, without logging in with the worker's session", async () => {
    const env = deploymentEnv();
    worker = startCallWorker({
      config: {
        tgApiId: sandbox.info.apiId,
        tgApiHash: sandbox.info.apiHash,
        tgSession: env.TG_SESSION ?? "",
        tgDc: sandbox.info.mtproto,
        redisUrl: redis.url,
      },
      logger: pino({ level: "silent" }),
      prefix,
    });
    await worker.ready;
    const before = sandbox.mtprotoConnections(ASSISTANT_ID);

    const { code, output } = await runDoctor(env);

    expect(output).not.toContain("❌");
    expect(output).toMatch(/✅ Redis maxmemory-policy: noeviction/);
    expect(output).toMatch(/✅ Redis persistence: AOF/);
    expect(output).toMatch(/✅ bot token: @/);
    expect(output).toMatch(/✅ webhook: none \(long polling\)/);
    expect(output).toMatch(/✅ assistant session: a worker is online .*did not log in/);
    expect(code).toBe(0);
    // The doctor opened no MTProto connection of its own for the assistant: only the worker's one.
    expect(sandbox.mtprotoConnections(ASSISTANT_ID)).toEqual(before);
    expect(before.open).toBe(1);
    // No secret in what it printed.
    expect(output).not.toContain(sandbox.info.botToken);
    expect(output).not.toContain(env.TG_SESSION);
  }, 60_000);

  it("checks each chat the bot knows like /setup, through the Bot API only, and fails a broken one", async () => {
    // As the bot records them when it serves a request there: a good chat and one where the
    // assistant is a plain member without "Manage video chats" (the demo world's No Rights Club).
    const planter = new Redis(redis.url);
    const known = knownChats(planter, botKeys(prefix));
    await known.remember({ chatId: -1001500000001, title: "Demo Community", username: "demo_community" }, 1);
    await known.remember({ chatId: -1001500000005, title: "No Rights Club", username: "no_rights_club" }, 2);
    await planter.quit();
    expect(worker).toBeDefined(); // the previous test's worker runs and has published the assistant
    const before = sandbox.mtprotoConnections(ASSISTANT_ID);

    const { code, output } = await runDoctor(deploymentEnv());

    expect(output).toMatch(/(✅|⚠️) +chat «Demo Community» \(-1001500000001\): (ready|calls can be created)/);
    expect(output).toMatch(
      /❌ chat «No Rights Club» \(-1001500000005\): @callbot_assistant is not an admin with "Manage video chats": grant it \(\/setup/,
    );
    expect(code).toBe(1);
    // The rights were read as the bot: no MTProto connection of the doctor's own.
    expect(sandbox.mtprotoConnections(ASSISTANT_ID)).toEqual(before);
    expect(output).not.toContain(sandbox.info.botToken);
  }, 60_000);

  it("fails a wrong bot token and an evicting Redis, saying what to fix", async () => {
    const { code, output } = await runDoctor(
      deploymentEnv({
        BOT_TOKEN: "123456:wrong-token-wrong-token-wrong-token",
        REDIS_URL: evictingRedis.url,
      }),
    );

    expect(output).toMatch(/❌ bot token: getMe refused it .*BOT_TOKEN/);
    expect(output).toMatch(
      /❌ Redis maxmemory-policy: "allkeys-lru".*CONFIG SET maxmemory-policy noeviction/,
    );
    expect(code).toBe(1);
  }, 60_000);

  it("fails an unreachable Redis, naming where it looked", async () => {
    const port = await freePort();
    const { code, output } = await runDoctor(deploymentEnv({ REDIS_URL: `redis://127.0.0.1:${port}` }));

    expect(output).toMatch(new RegExp(`❌ Redis: cannot reach Redis at redis://127.0.0.1:${port}`));
    expect(code).toBe(1);
  }, 60_000);
});

describe("pnpm run doctor with two assistant accounts (one worker each)", () => {
  let sandbox: Sandbox;
  let redis: PrivateRedis;
  const workers: CallWorker[] = [];
  const prefix = `doctor-multi-${randomUUID()}`;
  const ONE = "@callbot_assistant";
  const TWO = "@callbot_assistant_two";

  beforeAll(async () => {
    sandbox = await startSandbox({ world: multiAssistantWorld(), rateLimits: false });
    redis = await PrivateRedis.start();
    for (const account of ["callbot_assistant", "callbot_assistant_two"]) {
      const worker = startCallWorker({
        config: {
          tgApiId: sandbox.info.apiId,
          tgApiHash: sandbox.info.apiHash,
          tgSession: sandbox.info.sessions[account] ?? "",
          tgDc: sandbox.info.mtproto,
          redisUrl: redis.url,
        },
        logger: pino({ level: "silent" }),
        prefix,
      });
      workers.push(worker);
      await worker.ready;
    }
    const planter = new Redis(redis.url);
    try {
      await waitFor(
        async () => onlineAssistants(await readAssistantRegistry(planter, prefix)).length === 2,
        "both accounts registered",
      );
      // As the bot records them when it serves a request there: a chat only the second account
      // serves, and one neither may serve (No Rights Club: the first an admin without the right).
      const known = knownChats(planter, botKeys(prefix));
      await known.remember(
        { chatId: SOLO_ROOM.botApiId, title: SOLO_ROOM.title, username: SOLO_ROOM.username },
        1,
      );
      await known.remember(
        { chatId: -1001500000005, title: "No Rights Club", username: "no_rights_club" },
        2,
      );
    } finally {
      await planter.quit();
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await Promise.allSettled([sandbox?.close(), redis?.stop()]);
  });

  it("names every account, each chat's fixes by that account's own /setup button, and the others as optional, for failover", async () => {
    const env = doctorEnv({ sandbox, redisUrl: redis.url, prefix });
    const { code, output } = await runDoctor(env);

    // The session line no longer names whichever worker wrote the one status record last.
    expect(output).toMatch(
      /✅ assistant session: a worker holds the account lock of TG_SESSION's account; each account's state is on the "assistant accounts" line/,
    );
    expect(output).toContain(`✅ assistant accounts: all 2 online: ${ONE}: online, ${TWO}: online`);
    expect(output).toContain(
      `❌ chat «No Rights Club» (-1001500000005): no assistant account may create calls; fix any one of them; ${ONE} is not an admin with "Manage video chats": make it one (/setup → "Make ${ONE} an admin"); ${TWO} is not in the chat: add it (/setup → "Add ${TWO}")`,
    );
    expect(output).toContain(
      `chat «Solo Room» (${SOLO_ROOM.botApiId}): calls can be created; the bot lacks Ban users (/setup's fixes need them); ${ONE} is not in the chat (optional, for failover: /setup → "Add ${ONE} (for failover)")`,
    );
    // No one-account wording: there is no "the assistant" to add or to give the right.
    expect(output).not.toMatch(/Add the assistant|Unban the assistant|Give it the right/);
    expect(code).toBe(1);
    expect(output).not.toContain(sandbox.info.botToken);
    expect(output).not.toContain(env.TG_SESSION);
  }, 60_000);
});
