import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PseudoTerminal } from "@callbot/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { deadPort, launch, repoRoot, withoutCredentials } from "./support/launch.ts";

describe("logging in to pnpm start's demo from scratch", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  let terminal: PseudoTerminal | undefined;
  afterEach(() => {
    terminal?.kill();
    child?.kill("SIGKILL");
  });

  it("prints the pnpm session command and the login code, and the command logs the demo assistant in", {
    timeout: 90_000,
  }, async () => {
    // Its own Redis (nothing answers on this URL), so that it never shares the demo's keys with
    // another test's demo on the shared Redis.
    const demo = launch(withoutCredentials({ REDIS_URL: `redis://127.0.0.1:${await deadPort()}` }));
    child = demo.child;
    const [, command] = await demo.waitFor(
      /^ {4}(TG_API_ID=\S+ TG_API_HASH=\S+ TG_DC=\S+ TG_DC_PUBLIC_KEY='[^']+' pnpm session) demo\.session$/m,
    );
    await demo.waitFor(/You are Olga/);

    // Another terminal, as the banner says: the printed command, with a file of the test's own.
    const dir = mkdtempSync(join(tmpdir(), "callbot-demo-login-"));
    try {
      const file = join(dir, "demo.session");
      terminal = new PseudoTerminal(`${command} ${file}`, {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: "xterm" },
      });
      let at = await terminal.waitFor("Phone number of the assistant account");
      terminal.typeLine("+999 66 2 2001");
      at = await terminal.waitFor("login code Telegram sent", at);
      const [, code] = await demo.waitFor(/\[sandbox\] login code for \+9996622001: (\d{5})/);
      terminal.typeLine(code as string);
      at = await terminal.waitFor(
        "Two-step verification password of the account (hint: the word sandbox)",
        at,
      );
      terminal.typeLine("sandbox");
      await terminal.waitFor("Logged in as @callbot_assistant", at);
      expect(await terminal.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    demo.child.kill("SIGINT");
    expect(await demo.exited).toBe(0);
  });
});
