import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { demoWorldPath, readWorldFixture, type WorldFixture } from "@callbot/sandbox";
import { DEMO_CHATS, PseudoTerminal, REDIS_URL, waitFor } from "@callbot/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WorkerHarness } from "./support/worker-harness.ts";

const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const PHONE = "9996622001"; // the demo world's assistant (data centre 2)
const PASSWORD = "sandbox"; // its two-step verification password in the demo world

/** The environment an operator would set for `pnpm session` against the sandbox. */
function sessionEnv(h: WorkerHarness): NodeJS.ProcessEnv {
  const { info } = h.sandbox;
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TERM: "xterm",
    TG_API_ID: String(info.apiId),
    TG_API_HASH: info.apiHash,
    TG_DC: `${info.mtproto.host}:${info.mtproto.port}`,
    TG_DC_PUBLIC_KEY: info.publicKey,
  };
}

/** The newest login code for `phone`, read from the sandbox's control API over HTTP. */
async function loginCodes(h: WorkerHarness, phone: string): Promise<Array<{ code: string; sentAt: number }>> {
  const response = await fetch(`${h.sandbox.info.control}/login-codes/${phone}`);
  return ((await response.json()) as { codes: Array<{ code: string; sentAt: number }> }).codes;
}

/**
 * Runs the worker process as `pnpm start:worker` would (its main module, configured by the
 * environment), has it create a call from a queued job, stops it, and returns its log.
 */
async function createCallWithWorker(
  h: WorkerHarness,
  env: NodeJS.ProcessEnv,
  title: string,
): Promise<string> {
  const worker = spawn(process.execPath, ["--import", "tsx", "apps/worker/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...env, REDIS_URL, QUEUE_PREFIX: h.prefix, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const collect = (chunk: Buffer) => {
    log += chunk.toString();
  };
  worker.stdout.on("data", collect);
  worker.stderr.on("data", collect);
  try {
    const request = h.request({ title, target: DEMO_CHATS.privateTeam });
    await h.addJob(request);
    const result = await h.finalResult(request.requestId, 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nworker log:\n${log}`);
    });
    expect(result.outcome.status).toBe("created");
    expect(h.sandbox.calls(DEMO_CHATS.privateTeam.chatId).at(-1)?.title).toBe(title);
    return log;
  } finally {
    worker.kill("SIGTERM");
    await new Promise((done) => worker.once("exit", done));
  }
}

describe("pnpm session on a terminal, against the sandbox", () => {
  let h: WorkerHarness;
  let dir: string;
  const terminals: PseudoTerminal[] = [];
  const session = (file: string) => {
    const terminal = new PseudoTerminal(`pnpm --silent session ${file}`, {
      cwd: REPO_ROOT,
      env: sessionEnv(h),
    });
    terminals.push(terminal);
    return terminal;
  };

  beforeEach(async () => {
    h = await WorkerHarness.start();
    dir = mkdtempSync(join(tmpdir(), "callbot-session-"));
  });
  afterEach(async () => {
    for (const terminal of terminals.splice(0)) terminal.kill();
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with number, code and two-step password, asks again after wrong answers, hides the password, and the worker then creates a call with the file", {
    timeout: 120_000,
  }, async () => {
    const file = join(dir, "assistant.session");
    const t = session(file);
    let at = await t.waitFor("Phone number of the assistant account");
    t.typeLine("+999 66 2 2001");
    at = await t.waitFor("login code Telegram sent", at);
    const [first] = await loginCodes(h, PHONE);
    t.typeLine(first?.code === "00000" ? "11111" : "00000");
    at = await t.waitFor("That is not the code Telegram sent", at);
    at = await t.waitFor("login code Telegram sent", at);
    t.typeLine(first?.code ?? "");
    at = await t.waitFor("Two-step verification password of the account (hint: the word sandbox)", at);
    t.typeLine("not-the-password");
    at = await t.waitFor("That is not the account's two-step verification password", at);
    at = await t.waitFor("Two-step verification password", at);
    t.typeLine(PASSWORD);
    await t.waitFor("Logged in as @callbot_assistant", at);
    expect(await t.exited).toBe(0);

    // The password never appeared on the terminal, nor did the session.
    expect(t.text).not.toContain("not-the-password");
    expect(t.text).not.toMatch(/password[^\n]*: *sandbox/);
    const saved = readFileSync(file, "utf8").trim();
    expect(saved.length).toBeGreaterThan(300);
    expect(t.text).not.toContain(saved.slice(1, 40));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(t.text).toContain(
      `Start the worker with TG_SESSION_FILE=${file} TG_DC=${h.sandbox.info.mtproto.host}:${h.sandbox.info.mtproto.port}`,
    );

    // The worker, started as `pnpm start:worker` starts it, logs in with the file and creates a call.
    const log = await createCallWithWorker(h, { ...sessionEnv(h), TG_SESSION_FILE: file }, "First call");
    expect(log).not.toContain(saved.slice(1, 40));
  });

  it("asks again for a malformed number, sends a new code for an expired one, and stops at a flood wait with when to come back", async () => {
    h.sandbox.world.configure({ loginCodeLifetimeSeconds: 1, sendCodeLimit: 2 });
    const file = join(dir, "assistant.session");
    const t = session(file);
    let at = await t.waitFor("Phone number of the assistant account");
    t.typeLine("12ab");
    at = await t.waitFor("Telegram says that is not a valid phone number", at);
    at = await t.waitFor("Phone number of the assistant account", at);
    t.typeLine(`+${PHONE}`);
    for (const round of [1, 2]) {
      at = await t.waitFor("login code Telegram sent", at);
      const codes = await waitFor(async () => {
        const sent = await loginCodes(h, PHONE);
        return sent.length === round ? sent : undefined;
      }, `code ${round}`);
      const code = codes[round - 1] as { code: string; sentAt: number };
      // The code's lifetime (1 s here) has to run out: wait on the clock, not on a guess.
      await waitFor(() => (Date.now() > code.sentAt + 1_100 ? true : undefined), "the code to expire");
      t.typeLine(code.code);
      at = await t.waitFor("That code has expired. Telegram is sending a new one.", at);
    }
    await t.waitFor(
      /Telegram asks to wait \d+ minutes before trying again \(too many attempts\)\. Run pnpm session again after \d{4}-\d\d-\d\d \d\d:\d\d UTC\./,
      at,
    );
    expect(await t.exited).toBe(1);
    expect(t.text).toContain("No session file was written.");
    expect(existsSync(file)).toBe(false);
  });

  it("does not replace an existing file without asking, and Ctrl+C at the password leaves the old file and nothing else", async () => {
    const file = join(dir, "assistant.session");
    writeFileSync(file, "the earlier session\n", { mode: 0o600 });

    const keep = session(file);
    await keep.waitFor(`${file} already exists. Replace it with a new login? [y/N]`);
    keep.typeLine("n");
    await keep.waitFor(`Kept ${file}.`);
    expect(await keep.exited).toBe(1);

    const t = session(file);
    let at = await t.waitFor("already exists. Replace it");
    t.typeLine("y");
    at = await t.waitFor("Phone number of the assistant account", at);
    t.typeLine(PHONE);
    at = await t.waitFor("login code Telegram sent", at);
    t.typeLine((await loginCodes(h, PHONE)).at(-1)?.code ?? "");
    at = await t.waitFor("Two-step verification password", at);
    t.press("sand");
    t.press("\u0003");
    await t.waitFor("Stopped: no session file was written.", at);
    expect(await t.exited).toBe(130);
    expect(t.text).not.toContain("sand\n");
    expect(readFileSync(file, "utf8")).toBe("the earlier session\n");
    expect(readdirSync(dir)).toEqual(["assistant.session"]);
  });

  it("follows PHONE_MIGRATE to the account's data centre and names the TG_DC with which the worker then creates a call", {
    timeout: 120_000,
  }, async () => {
    const fixture: WorldFixture = readWorldFixture(demoWorldPath);
    h.sandbox.world.load({ ...fixture, logins: [{ userId: 2001, phone: PHONE, dc: 4 }] });
    const dc4 = h.sandbox.info.dataCentres.find((dc) => dc.id === 4);
    const file = join(dir, "assistant.session");
    const t = session(file);
    let at = await t.waitFor("Phone number of the assistant account");
    t.typeLine(PHONE);
    at = await t.waitFor("login code Telegram sent", at);
    t.typeLine((await loginCodes(h, PHONE)).at(-1)?.code ?? "");
    await t.waitFor("Logged in as @callbot_assistant", at);
    expect(await t.exited).toBe(0);
    expect(t.text).toContain(`TG_DC=${dc4?.host}:${dc4?.port} (the account's data centre)`);
    await createCallWithWorker(
      h,
      { ...sessionEnv(h), TG_SESSION_FILE: file, TG_DC: `${dc4?.host}:${dc4?.port}` },
      "Call from data centre 4",
    );
  });
});
