import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** Resolves with everything printed so far once `pattern` appears on stdout; rejects on exit or timeout. */
function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  seen: { text: string },
  pattern: RegExp,
  timeoutMs: number,
) {
  return new Promise<string>((resolve, reject) => {
    const check = () => {
      if (pattern.test(seen.text)) {
        cleanup();
        resolve(seen.text);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`exited with ${code} before ${pattern}; output:\n${seen.text}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out waiting for ${pattern}; output:\n${seen.text}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off("data", check);
      child.off("exit", onExit);
    };
    child.stdout.on("data", check);
    child.on("exit", onExit);
    check();
  });
}

describe("pnpm start without Telegram credentials", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterEach(() => {
    child?.kill("SIGKILL");
  });

  it("runs the sandbox, bot and worker: a typed /newcall schedules a video chat, and :press starts it from /calls", async () => {
    const env = { ...process.env };
    for (const name of ["BOT_TOKEN", "TG_API_ID", "TG_API_HASH", "TG_SESSION", "TG_SESSION_FILE"])
      delete env[name];
    child = spawn(process.execPath, ["--import", "tsx", "apps/launcher/src/main.ts"], { cwd: repoRoot, env });
    const seen = { text: "" };
    child.stdout.on("data", (chunk: Buffer) => {
      seen.text += chunk.toString();
    });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });

    await waitForOutput(child, seen, /You are Olga/, 30_000);
    child.stdin.write("/newcall Demo stream in 1h\n");
    const output = await waitForOutput(child, seen, /bot \(edited\): .*scheduled/, 20_000);
    expect(output).toMatch(/Queued: video chat “Demo stream” in «Demo Community»/);
    expect(output).toMatch(/\* Video chat scheduled for/);

    child.stdin.write(":calls\n");
    await waitForOutput(child, seen, /Demo stream: scheduled/, 5_000);

    // The /calls buttons can be pressed from the terminal too.
    child.stdin.write("/calls\n");
    await waitForOutput(child, seen, /\[▶️ Start now\]|\[1\. ▶️ Start now\]/, 10_000);
    child.stdin.write(":press Start now\n");
    await waitForOutput(child, seen, /“Demo stream” is live now in «Demo Community»/, 15_000);
    child.stdin.write(":calls\n");
    await waitForOutput(child, seen, /Demo stream: active/, 5_000);

    const exited = new Promise<number | null>((resolve) => child?.on("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(0);
    // The sandbox's token and the assistant's session never reach the terminal.
    expect(seen.text + errors).not.toMatch(/SANDBOXdemoToken/);
  }, 60_000);
});
