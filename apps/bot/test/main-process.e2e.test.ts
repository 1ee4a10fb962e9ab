import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type Sandbox, startSandbox } from "@callbot/sandbox";
import { DEMO, REDIS_URL, waitFor } from "@callbot/test-support";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const TSX = fileURLToPath(new URL("../../../node_modules/.bin/tsx", import.meta.url));

describe("the bot process (src/main.ts)", () => {
  let sandbox: Sandbox;
  let child: ChildProcess | undefined;
  let output = "";
  const prefix = `test-${randomUUID()}`;

  beforeEach(async () => {
    sandbox = await startSandbox({ rateLimits: false });
  });
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await sandbox.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  async function startMain(): Promise<void> {
    // A fresh transcript: an earlier test's "bot started" must not count for this process.
    output = "";
    child = spawn(TSX, [MAIN], {
      env: {
        PATH: process.env.PATH,
        BOT_TOKEN: sandbox.info.botToken,
        BOT_API_ROOT: sandbox.info.botApiRoot,
        OWNER_IDS: "9999999",
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    await waitFor(() => output.includes('"msg":"bot started"'), "the bot process to log that it started");
  }

  it("answers, then exits cleanly and promptly on SIGTERM, with no token in its output", async () => {
    await startMain();
    const sent = await sandbox.sendText({ from: DEMO.olga, chatId: DEMO.olga, text: "/help" });
    await sandbox.waitForBotMessage(DEMO.olga, (m) => m.replyToMessageId === sent.id, { timeoutMs: 10_000 });

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    const signalledAt = Date.now();
    child?.kill("SIGTERM");
    const code = await exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(output).toContain('"msg":"bot stopped"');
    const secretPart = sandbox.info.botToken.split(":")[1]!;
    expect(output).not.toContain(secretPart);
  });

  it("on SIGTERM mid-command, finishes the command (answer sent, job queued) before exiting", async () => {
    await startMain();
    sandbox.faults.botApi({ method: "sendMessage", action: { kind: "slow", ms: 1_500 }, times: 1 });
    sandbox.resetCounters();
    const sent = await sandbox.sendText({
      from: DEMO.olga,
      chatId: DEMO.community,
      text: "/newcall In flight",
    });
    // The "queued" answer is on its way (held by the slow fault) when the signal arrives.
    await waitFor(() => (sandbox.counters().botApi.sendMessage ?? 0) >= 1, "the bot to send a message");
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child?.kill("SIGTERM");
    expect(await exited).toBe(0);

    const ack = sandbox.botMessages(DEMO.community).find((m) => m.replyToMessageId === sent.id);
    expect(ack?.text).toContain("Queued: video chat “In flight”");
    const redis = new Redis(REDIS_URL);
    const job = await redis.hgetall(`${prefix}:callbot-calls:newcall_${DEMO.community}_${sent.id}`);
    await redis.quit();
    expect(JSON.parse(job.data ?? "{}")).toMatchObject({ title: "In flight", ack: { messageId: ack?.id } });
  });
});
